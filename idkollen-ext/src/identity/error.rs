//! The error of every identity-number parser.

/// Why a string is not a valid identity number of the requested kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// Wrong number of characters (separators not counted).
    #[error("{kind}: expected {expected}, got {found} characters")]
    Length {
        /// The kind of number being parsed.
        kind: &'static str,
        /// What lengths are accepted.
        expected: &'static str,
        /// How many characters were found.
        found: usize,
    },
    /// A character that does not belong in this kind of number.
    #[error("{kind}: unexpected character {found:?}")]
    Character {
        /// The kind of number being parsed.
        kind: &'static str,
        /// The offending character.
        found: char,
    },
    /// The date part is not a real date.
    #[error("{kind}: the date part is not a real date")]
    Date {
        /// The kind of number being parsed.
        kind: &'static str,
    },
    /// The individual or serial part is out of range.
    #[error("{kind}: the individual number is out of range")]
    Serial {
        /// The kind of number being parsed.
        kind: &'static str,
    },
    /// The check digit or check character does not match.
    #[error("{kind}: the check digit does not match")]
    CheckDigit {
        /// The kind of number being parsed.
        kind: &'static str,
    },
    /// The number is well-formed but not of this kind (for example a personnummer given as an
    /// organisationsnummer).
    #[error("{kind}: {reason}")]
    Kind {
        /// The kind of number being parsed.
        kind: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}
