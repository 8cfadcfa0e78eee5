//! The Schema Registry's compatibility levels, as the catalog, the gate and the registry
//! client all name them.

/// The seven subject compatibility modes of the Schema Registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compatibility {
    /// The new schema reads data of the latest version.
    Backward,
    /// ... of every earlier version.
    BackwardTransitive,
    /// The latest version reads data of the new schema.
    Forward,
    /// Every earlier version reads data of the new schema.
    ForwardTransitive,
    /// Backward and forward against the latest version.
    Full,
    /// Backward and forward against every earlier version.
    FullTransitive,
    /// No check.
    None,
}

impl Compatibility {
    /// Every mode, in the registry's documentation order.
    pub const ALL: [Compatibility; 7] = [
        Compatibility::Backward,
        Compatibility::BackwardTransitive,
        Compatibility::Forward,
        Compatibility::ForwardTransitive,
        Compatibility::Full,
        Compatibility::FullTransitive,
        Compatibility::None,
    ];

    /// The registry's name of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::Backward => "BACKWARD",
            Compatibility::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Compatibility::Forward => "FORWARD",
            Compatibility::ForwardTransitive => "FORWARD_TRANSITIVE",
            Compatibility::Full => "FULL",
            Compatibility::FullTransitive => "FULL_TRANSITIVE",
            Compatibility::None => "NONE",
        }
    }

    /// Reads the registry's spelling, in any case (`backward_transitive` too).
    pub fn parse(level: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str().eq_ignore_ascii_case(level))
    }

    /// Whether the mode compares against every earlier version.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }

    /// The mode the registry applies to each single version it checks: a transitive mode
    /// in its one-version form.
    pub fn single_version(self) -> Self {
        match self {
            Self::BackwardTransitive => Self::Backward,
            Self::ForwardTransitive => Self::Forward,
            Self::FullTransitive => Self::Full,
            other => other,
        }
    }
}

impl std::fmt::Display for Compatibility {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Compatibility;

    #[test]
    fn parses_every_spelling_of_every_mode() {
        for mode in Compatibility::ALL {
            assert_eq!(Compatibility::parse(mode.as_str()), Some(mode));
            assert_eq!(Compatibility::parse(&mode.as_str().to_lowercase()), Some(mode));
        }
        assert_eq!(Compatibility::parse("sideways"), None);
        assert_eq!(Compatibility::FullTransitive.single_version(), Compatibility::Full);
        assert!(!Compatibility::Full.is_transitive());
    }
}
