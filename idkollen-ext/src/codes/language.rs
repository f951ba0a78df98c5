//! Languages of the user-facing messages.

/// The language of a user message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Language {
    /// Svenska.
    #[default]
    Swedish,
    /// English.
    English,
}
