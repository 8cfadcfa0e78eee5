//! The site's stylesheet and script: plain files beside this module, embedded.

/// `style.css`.
pub(super) const STYLE: &str = include_str!("style.css");
/// `site.js`: the search box (over `search-index.js`) and the graph's highlighting.
pub(super) const SCRIPT: &str = include_str!("site.js");
