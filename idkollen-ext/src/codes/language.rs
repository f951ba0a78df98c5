//! Languages of the user-facing messages.

/// The language of a user message.
///
/// BankID publishes its recommended texts in Swedish and English; the texts that name no eID
/// (failures of every provider) are also in Norwegian, Danish and Finnish, for the providers
/// of those countries. A BankID text asked for in another language comes in English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Language {
    /// Svenska.
    #[default]
    Swedish,
    /// English.
    English,
    /// Norsk bokmål.
    Norwegian,
    /// Dansk.
    Danish,
    /// Suomi.
    Finnish,
}

impl Language {
    /// Every language.
    pub const ALL: [Language; 5] = [
        Language::Swedish,
        Language::English,
        Language::Norwegian,
        Language::Danish,
        Language::Finnish,
    ];

    /// The language's tag (BCP 47): `sv`, `en`, `nb`, `da`, `fi`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Swedish => "sv",
            Language::English => "en",
            Language::Norwegian => "nb",
            Language::Danish => "da",
            Language::Finnish => "fi",
        }
    }

    /// The language of a tag such as `sv`, `sv-SE`, `en-GB`, `no`, `nb-NO`, `nn` or `da`
    /// (case-insensitive); `None` for a language without messages.
    ///
    /// ```
    /// use idkollen_ext::Language;
    ///
    /// assert_eq!(Language::from_tag("nb-NO"), Some(Language::Norwegian));
    /// assert_eq!(Language::from_tag("de"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match primary.as_str() {
            "sv" => Language::Swedish,
            "en" => Language::English,
            // Bokmål serves Norwegian, and Nynorsk readers read it too.
            "nb" | "no" | "nn" => Language::Norwegian,
            "da" => Language::Danish,
            "fi" => Language::Finnish,
            _ => return None,
        })
    }
}
