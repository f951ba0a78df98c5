//! The page's words in its five languages, and the language each provider's page speaks.
//!
//! BankID SE's and the failures' messages come from [`HintCode`] and [`FailureCode`]; this
//! file holds only what the page adds around them (buttons, headings, what to do while a
//! redirect or backchannel session is pending).

use serde::Serialize;

use crate::codes::{FailureCode, HintCode, Language, MessageContext};
use crate::provider::Provider;

use super::hooks::PageFlow;

/// The languages a provider's page speaks: its country's, then English. FTN speaks Swedish
/// too, Finland's second language.
pub(crate) fn languages(provider: Provider) -> &'static [Language] {
    use Language::*;
    match provider {
        Provider::BankIdSe | Provider::Freja => &[Swedish, English],
        Provider::BankIdNo | Provider::Vipps => &[Norwegian, English],
        Provider::MitId => &[Danish, English],
        Provider::Ftn => &[Finnish, Swedish, English],
    }
}

/// The first of `wanted` (the page's choice, then `Accept-Language`) that `offered` speaks;
/// English when none is.
pub(crate) fn negotiate(wanted: &[Language], offered: &[Language]) -> Language {
    wanted
        .iter()
        .copied()
        .find(|l| offered.contains(l))
        .unwrap_or(Language::English)
}

/// The languages of an `Accept-Language` header, best first (`q=0` excluded).
pub(crate) fn accept_language(header: &str) -> Vec<Language> {
    let mut tags: Vec<(u16, usize, Language)> = Vec::new();
    for (i, part) in header.split(',').take(32).enumerate() {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(language) = Language::from_tag(tag)
            && q > 0.0
        {
            tags.push(((q.clamp(0.0, 1.0) * 1000.0) as u16, i, language));
        }
    }
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(_, _, l)| l).collect()
}

/// The provider's name on the page's buttons.
pub(crate) fn provider_name(provider: Provider) -> &'static str {
    match provider {
        Provider::BankIdSe => "BankID",
        Provider::Freja => "Freja eID",
        Provider::BankIdNo => "BankID (Norge)",
        Provider::Vipps => "Vipps MobilePay",
        Provider::MitId => "MitID",
        Provider::Ftn => "FTN",
    }
}

/// The app the user opens, in "open the … app".
fn app_name(provider: Provider) -> &'static str {
    match provider {
        Provider::BankIdSe | Provider::BankIdNo => "BankID",
        Provider::Freja => "Freja eID",
        Provider::Vipps => "Vipps",
        Provider::MitId => "MitID",
        Provider::Ftn => "FTN",
    }
}

/// One text in the five languages: sv, en, nb, da, fi.
type Five = [&'static str; 5];

fn pick(language: Language, texts: Five) -> &'static str {
    match language {
        Language::Swedish => texts[0],
        Language::Norwegian => texts[2],
        Language::Danish => texts[3],
        Language::Finnish => texts[4],
        _ => texts[1],
    }
}

fn fill(language: Language, texts: Five, name: &str) -> String {
    pick(language, texts).replace("{}", name)
}

/// The page's words for one session (or, without a provider, for the choice of one).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Labels {
    pub title: String,
    pub choose: &'static str,
    pub open_app: String,
    pub continue_to: String,
    pub qr_alt: String,
    pub cancel: &'static str,
    pub try_again: &'static str,
    pub identity: &'static str,
    pub phone: &'static str,
    pub sign_title: &'static str,
    pub app: &'static str,
    pub submit: &'static str,
    pub binding: &'static str,
    pub welcome: &'static str,
    pub failed: &'static str,
}

pub(crate) fn labels(language: Language, provider: Option<Provider>, flow: PageFlow) -> Labels {
    let l = language;
    let app = provider.map(app_name).unwrap_or("BankID");
    let name = provider.map(provider_name).unwrap_or("BankID");
    let signing = flow == PageFlow::Sign;
    Labels {
        title: pick(
            l,
            if signing {
                [
                    "Skriv under",
                    "Sign",
                    "Signer",
                    "Underskriv",
                    "Allekirjoita",
                ]
            } else {
                [
                    "Logga in",
                    "Log in",
                    "Logg inn",
                    "Log ind",
                    "Kirjaudu sisään",
                ]
            },
        )
        .to_owned(),
        choose: pick(
            l,
            [
                "Välj e-legitimation",
                "Choose your eID",
                "Velg eID",
                "Vælg eID",
                "Valitse tunnistustapa",
            ],
        ),
        open_app: fill(
            l,
            [
                "Öppna {} på den här enheten",
                "Open {} on this device",
                "Åpne {} på denne enheten",
                "Åbn {} på denne enhed",
                "Avaa {} tällä laitteella",
            ],
            app,
        ),
        continue_to: fill(
            l,
            [
                "Fortsätt till {}",
                "Continue to {}",
                "Fortsett til {}",
                "Fortsæt til {}",
                "Jatka palveluun {}",
            ],
            name,
        ),
        qr_alt: fill(
            l,
            [
                "QR-kod att skanna med {}-appen",
                "QR code to scan with the {} app",
                "QR-kode som skannes med {}-appen",
                "QR-kode, der skal scannes med {}-appen",
                "{}-sovelluksella skannattava QR-koodi",
            ],
            app,
        ),
        cancel: pick(l, ["Avbryt", "Cancel", "Avbryt", "Annuller", "Peruuta"]),
        try_again: pick(
            l,
            [
                "Försök igen",
                "Try again",
                "Prøv igjen",
                "Prøv igen",
                "Yritä uudelleen",
            ],
        ),
        identity: pick(
            l,
            [
                "Personnummer",
                "National identity number",
                "Fødselsnummer",
                "CPR-nummer",
                "Henkilötunnus",
            ],
        ),
        phone: pick(
            l,
            [
                "Mobilnummer",
                "Mobile number",
                "Mobilnummer",
                "Mobilnummer",
                "Matkapuhelinnumero",
            ],
        ),
        sign_title: pick(
            l,
            [
                "Skriv under",
                "Sign",
                "Signer",
                "Underskriv",
                "Allekirjoita",
            ],
        ),
        app: pick(
            l,
            [
                "i mobilen",
                "on your phone",
                "på mobilen",
                "på mobilen",
                "puhelimella",
            ],
        ),
        submit: pick(l, ["Fortsätt", "Continue", "Fortsett", "Fortsæt", "Jatka"]),
        binding: pick(
            l,
            [
                "Kontrollera att appen visar:",
                "Check that your app shows:",
                "Kontroller at appen viser:",
                "Kontrollér, at appen viser:",
                "Tarkista, että sovellus näyttää:",
            ],
        ),
        welcome: pick(
            l,
            if signing {
                [
                    "Underskriften är klar.",
                    "Your signature is done.",
                    "Signeringen er fullført.",
                    "Underskriften er gennemført.",
                    "Allekirjoitus on valmis.",
                ]
            } else {
                [
                    "Du är inloggad.",
                    "You are logged in.",
                    "Du er logget inn.",
                    "Du er logget ind.",
                    "Olet kirjautunut sisään.",
                ]
            },
        ),
        failed: pick(
            l,
            [
                "Det gick inte.",
                "That did not work.",
                "Det mislyktes.",
                "Det lykkedes ikke.",
                "Se ei onnistunut.",
            ],
        ),
    }
}

/// The two messages of a pending session: for a page that shows a QR code, and for one whose
/// user opened the app on this device. The page shows the one that fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Pending {
    pub qr: String,
    pub app: String,
}

/// What to tell the user while the session is pending.
pub(crate) fn pending(
    language: Language,
    provider: Provider,
    flow: PageFlow,
    hint: Option<&HintCode>,
    mobile: bool,
) -> Pending {
    if provider == Provider::BankIdSe {
        let hint = hint.cloned().unwrap_or(HintCode::OutstandingTransaction);
        return Pending {
            qr: hint
                .pending_user_message(language, MessageContext::qr_code())
                .to_owned(),
            app: hint
                .pending_user_message(language, MessageContext::same_device(mobile))
                .to_owned(),
        };
    }
    let app = app_name(provider);
    if flow == PageFlow::BackchannelAuth {
        let text = fill(
            language,
            [
                "Öppna {}-appen i din telefon och godkänn.",
                "Open the {} app on your phone and approve.",
                "Åpne {}-appen på telefonen din og godkjenn.",
                "Åbn {}-appen på din telefon, og godkend.",
                "Avaa {}-sovellus puhelimessasi ja hyväksy.",
            ],
            app,
        );
        return Pending {
            qr: text.clone(),
            app: text,
        };
    }
    if provider == Provider::Freja {
        return Pending {
            qr: fill(
                language,
                [
                    "Skanna QR-koden med {}-appen.",
                    "Scan the QR code with the {} app.",
                    "Skann QR-koden med {}-appen.",
                    "Scan QR-koden med {}-appen.",
                    "Skannaa QR-koodi {}-sovelluksella.",
                ],
                app,
            ),
            app: fill(
                language,
                [
                    "Godkänn i {}-appen.",
                    "Approve in the {} app.",
                    "Godkjenn i {}-appen.",
                    "Godkend i {}-appen.",
                    "Hyväksy {}-sovelluksessa.",
                ],
                app,
            ),
        };
    }
    let text = fill(
        language,
        [
            "Väntar på {} …",
            "Waiting for {} …",
            "Venter på {} …",
            "Venter på {} …",
            "Odotetaan palvelua {} …",
        ],
        provider_name(provider),
    );
    Pending {
        qr: text.clone(),
        app: text,
    }
}

/// What to tell the user when the session failed.
pub(crate) fn failure(language: Language, provider: Provider, code: &FailureCode) -> String {
    code.user_message_for(provider, language).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_orders_by_quality_and_skips_unknown_tags() {
        assert_eq!(
            accept_language("de-DE, da;q=0.5, nb-NO;q=0.8, en;q=0"),
            [Language::Norwegian, Language::Danish]
        );
        assert_eq!(accept_language(""), []);
    }

    #[test]
    fn each_provider_speaks_its_country_then_english() {
        let wanted = [Language::Danish, Language::Swedish];
        assert_eq!(
            negotiate(&wanted, languages(Provider::MitId)),
            Language::Danish
        );
        assert_eq!(
            negotiate(&wanted, languages(Provider::BankIdSe)),
            Language::Swedish
        );
        assert_eq!(
            negotiate(&wanted, languages(Provider::Vipps)),
            Language::English
        );
    }

    #[test]
    fn every_language_has_every_word() {
        for language in Language::ALL {
            for provider in Provider::ALL {
                let labels = labels(language, Some(provider), PageFlow::Auth);
                assert!(labels.open_app.len() > 3 && labels.qr_alt.len() > 3);
                let pending = pending(language, provider, PageFlow::Auth, None, false);
                assert!(!pending.qr.is_empty() && !pending.app.is_empty());
            }
        }
        assert_eq!(
            pending(
                Language::English,
                Provider::BankIdSe,
                PageFlow::Auth,
                None,
                false
            )
            .qr,
            "Start your BankID app."
        );
    }
}
