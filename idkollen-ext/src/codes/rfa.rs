//! BankID's recommended user messages (the "RFA" texts of BankID's relying-party
//! guidelines), in Swedish and English.

use super::Language;

/// One recommended message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rfa {
    Rfa1,
    Rfa3,
    Rfa4,
    Rfa5,
    Rfa6,
    Rfa8,
    Rfa9,
    Rfa13,
    Rfa15A,
    Rfa15B,
    Rfa16,
    Rfa17A,
    Rfa17B,
    Rfa21,
    Rfa22,
    Rfa23,
    /// Phone flows: the user is asked to confirm the call. BankID has no RFA number for it.
    ConfirmCall,
    /// Not a BankID text: the user's app is too old for the request.
    UnsupportedClient,
    /// Not a BankID text, for every eID: the user's eID has expired or is not valid.
    EidInvalid,
    /// Not a BankID text, for every eID: the session timed out.
    TimedOut,
    /// Not a BankID text, for every eID: the user's app is too old for the request.
    AppOutdated,
}

impl Rfa {
    pub(crate) fn text(self, language: Language) -> &'static str {
        let (sv, en) = match self {
            Rfa::Rfa1 => ("Starta BankID-appen.", "Start your BankID app."),
            Rfa::Rfa3 => (
                "Åtgärden avbruten. Försök igen.",
                "Action cancelled. Please try again.",
            ),
            Rfa::Rfa4 => (
                "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
                "An identification or signing for this personal number is already started. Please try again.",
            ),
            Rfa::Rfa5 => (
                "Internt tekniskt fel. Försök igen.",
                "Internal error. Please try again.",
            ),
            Rfa::Rfa6 => ("Åtgärden avbruten.", "Action cancelled."),
            Rfa::Rfa8 => (
                "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
                "The BankID app is not responding. Please check that it's started and that you have internet access. If you don't have a valid BankID you can get one from your bank. Try again.",
            ),
            Rfa::Rfa9 => (
                "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
                "Enter your security code in the BankID app and select Identify or Sign.",
            ),
            Rfa::Rfa13 => (
                "Försöker starta BankID-appen.",
                "Trying to start your BankID app.",
            ),
            Rfa::Rfa15A => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
                "Searching for BankID:s, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don't have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don't have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device.",
            ),
            Rfa::Rfa15B => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
                "Searching for BankID:s, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don't have a BankID which can be used for this identification/signing on this device. If you don't have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device.",
            ),
            Rfa::Rfa16 => (
                "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
                "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
            ),
            Rfa::Rfa17A => (
                "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com.",
                "The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com.",
            ),
            Rfa::Rfa17B => (
                "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com.",
                "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is updated. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com.",
            ),
            Rfa::Rfa21 => (
                "Identifiering eller underskrift pågår.",
                "Identification or signing in progress.",
            ),
            Rfa::Rfa22 => (
                "Okänt fel. Försök igen.",
                "Unknown error. Please try again.",
            ),
            Rfa::Rfa23 => (
                "Fotografera och läs av din ID-handling med BankID-appen.",
                "Process your machine readable travel document using the BankID app.",
            ),
            Rfa::ConfirmCall => (
                "Bekräfta i BankID-appen att du pratar med oss i telefon.",
                "Confirm in the BankID app that you are on the phone with us.",
            ),
            Rfa::EidInvalid => (
                "Din e-legitimation har gått ut eller är inte giltig. Använd en annan eller skaffa en ny.",
                "Your eID has expired or is not valid. Please use another one or get a new one.",
            ),
            Rfa::TimedOut => (
                "Tiden gick ut innan du hann identifiera dig eller skriva under. Försök igen.",
                "The time ran out before the identification or signing was completed. Please try again.",
            ),
            Rfa::AppOutdated => (
                "Appen du använder behöver uppdateras. Uppdatera den och försök igen.",
                "The app you are using needs to be updated. Please update it and try again.",
            ),
            Rfa::UnsupportedClient => (
                "Din BankID-app behöver uppdateras. Uppdatera appen och försök igen.",
                "Your BankID app needs to be updated. Please update it and try again.",
            ),
        };
        match language {
            Language::Swedish => sv,
            Language::English => en,
            // BankID's own texts exist in Swedish and English only.
            other => self.nordic(other).unwrap_or(en),
        }
    }

    /// The texts that name no eID, in the languages of the other providers' countries.
    fn nordic(self, language: Language) -> Option<&'static str> {
        let (nb, da, fi) = match self {
            Rfa::Rfa3 => (
                "Handlingen ble avbrutt. Prøv igjen.",
                "Handlingen blev afbrudt. Prøv igen.",
                "Toiminto keskeytettiin. Yritä uudelleen.",
            ),
            Rfa::Rfa4 => (
                "En identifisering eller signering for dette personnummeret er allerede startet. Prøv igjen.",
                "En identifikation eller underskrift for dette personnummer er allerede i gang. Prøv igen.",
                "Tämän henkilötunnuksen tunnistautuminen tai allekirjoitus on jo käynnissä. Yritä uudelleen.",
            ),
            Rfa::Rfa5 => (
                "Intern teknisk feil. Prøv igjen.",
                "Intern teknisk fejl. Prøv igen.",
                "Sisäinen tekninen virhe. Yritä uudelleen.",
            ),
            Rfa::Rfa6 => (
                "Handlingen ble avbrutt.",
                "Handlingen blev afbrudt.",
                "Toiminto keskeytettiin.",
            ),
            Rfa::Rfa21 => (
                "Identifisering eller signering pågår.",
                "Identifikation eller underskrift er i gang.",
                "Tunnistautuminen tai allekirjoitus on käynnissä.",
            ),
            Rfa::Rfa22 => (
                "Ukjent feil. Prøv igjen.",
                "Ukendt fejl. Prøv igen.",
                "Tuntematon virhe. Yritä uudelleen.",
            ),
            Rfa::EidInvalid => (
                "Din eID er utløpt eller ikke gyldig. Bruk en annen eller skaff deg en ny.",
                "Dit eID er udløbet eller ikke gyldigt. Brug et andet, eller skaf et nyt.",
                "Sähköinen tunnisteesi on vanhentunut tai ei ole voimassa. Käytä toista tai hanki uusi.",
            ),
            Rfa::TimedOut => (
                "Tiden gikk ut før identifiseringen eller signeringen ble fullført. Prøv igjen.",
                "Tiden løb ud, før identifikationen eller underskriften blev gennemført. Prøv igen.",
                "Aika loppui ennen kuin tunnistautuminen tai allekirjoitus valmistui. Yritä uudelleen.",
            ),
            Rfa::AppOutdated => (
                "Appen du bruker må oppdateres. Oppdater den og prøv igjen.",
                "Den app, du bruger, skal opdateres. Opdater den, og prøv igen.",
                "Käyttämäsi sovellus on päivitettävä. Päivitä se ja yritä uudelleen.",
            ),
            _ => return None,
        };
        match language {
            Language::Norwegian => Some(nb),
            Language::Danish => Some(da),
            Language::Finnish => Some(fi),
            _ => None,
        }
    }
}
