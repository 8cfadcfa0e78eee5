//! Where a finding is: the file, line and column of the element (or of the attribute in
//! it the finding is about), and the JSON pointer to it from the top of its file.
//!
//! The IR keeps each type's and field's span; the files are parsed again (with the same
//! located parser the loader uses) to walk from the top of the file down to that span,
//! which gives the pointer, and then into the element's own attributes.

use crate::compat::Position;
use crate::ir::{Origin, SchemaSet};
use crate::json::{Json, JsonKind, push_pointer_token as push_token};
use crate::source::Span;

/// One step below an element: an attribute, or an item of an array attribute.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'a> {
    /// A member of the element's object (`name`, `type`, `symbols`, ...).
    Key(&'a str),
    /// An item of an array (a symbol, an entry of a suppression list).
    Index(usize),
}

/// The parsed files of a set.
pub(super) struct Locator<'a> {
    set: &'a SchemaSet,
    files: Vec<Option<Json>>,
}

/// A located element: its position and its JSON pointer.
pub(super) struct Located {
    pub position: Position,
    pub pointer: String,
}

impl<'a> Locator<'a> {
    pub(super) fn new(set: &'a SchemaSet) -> Self {
        // `.avdl` files too: the tree the loader built from the IDL, spans into its text.
        let files = set.files.iter().map(crate::load::source_json).collect();
        Locator { set, files }
    }

    /// Whether the element is a file's top-level schema (or a branch of a top-level union).
    pub(super) fn is_top_level(&self, origin: Origin) -> bool {
        let Some(root) = self.files.get(origin.file).and_then(Option::as_ref) else {
            return false;
        };
        root.span == origin.span
            || matches!(&root.kind, JsonKind::Array(items) if items.iter().any(|item| item.span == origin.span))
    }

    /// Whether the element's object has the member `key`.
    pub(super) fn has(&self, origin: Origin, key: &str) -> bool {
        self.element(origin, &mut String::new())
            .is_some_and(|element| element.get(key).is_some())
    }

    /// The string value of the element's member `key`, if it has one.
    pub(super) fn member_str(&self, origin: Origin, key: &str) -> Option<&str> {
        self.element(origin, &mut String::new())?.get(key)?.value.as_str()
    }

    fn element(&self, origin: Origin, pointer: &mut String) -> Option<&Json> {
        let root = self.files.get(origin.file)?.as_ref()?;
        descend(root, origin.span, pointer)
    }

    /// The element at `origin`, then `steps` into it as far as they exist.
    pub(super) fn locate(&self, origin: Origin, steps: &[Step<'_>]) -> Located {
        let file = self.set.file(origin);
        let mut pointer = String::new();
        let mut span = origin.span;
        if let Some(mut node) = self.element(origin, &mut pointer) {
            for step in steps {
                let next = match (step, &node.kind) {
                    (Step::Key(key), JsonKind::Object(_)) => node.get(key).map(|member| {
                        push_token(&mut pointer, key);
                        &member.value
                    }),
                    (Step::Index(index), JsonKind::Array(items)) => items.get(*index).inspect(|_| {
                        push_token(&mut pointer, &index.to_string());
                    }),
                    _ => None,
                };
                match next {
                    Some(child) => node = child,
                    None => break,
                }
            }
            span = node.span;
        }
        let at = file.line_column(span.start);
        Located {
            position: Position {
                file: file.path().to_owned(),
                line: at.line,
                column: at.column,
            },
            pointer: if pointer.is_empty() { "/".to_owned() } else { pointer },
        }
    }
}

/// Walks from `json` to the value whose span is `target`, appending the tokens passed.
fn descend<'j>(json: &'j Json, target: Span, pointer: &mut String) -> Option<&'j Json> {
    let (path, found) = json.find(target)?;
    pointer.push_str(&path);
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::NamedKind;
    use crate::source::SourceFile;
    use crate::{LoadOptions, load_files};

    #[test]
    fn pointers_reach_nested_types_fields_and_attributes() {
        let text = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[\n  {\"name\":\"a\",\"type\":\"int\"},\n  \
                    {\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\",\"y\"]}}]}";
        let set = load_files(vec![SourceFile::new("r.avsc", text)], &LoadOptions::default()).unwrap();
        let locator = Locator::new(&set);
        let e = set.get(set.lookup("E").unwrap());
        let located = locator.locate(e.origin, &[Step::Key("symbols"), Step::Index(1)]);
        assert_eq!(located.pointer, "/fields/1/type/symbols/1");
        assert_eq!((located.position.line, located.position.column), (3, 63));
        assert!(!locator.is_top_level(e.origin));
        let r = set.get(set.lookup("R").unwrap());
        assert!(locator.is_top_level(r.origin));
        let NamedKind::Record(record) = &r.kind else { panic!() };
        let located = locator.locate(record.fields[0].origin, &[Step::Key("doc")]);
        assert_eq!(located.pointer, "/fields/0");
        assert_eq!((located.position.line, located.position.column), (2, 3));
        assert_eq!(locator.locate(r.origin, &[]).pointer, "/");
    }
}
