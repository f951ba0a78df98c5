//! The people behind completed sessions.

use chrono::{Datelike, NaiveDate, Utc};

use crate::ids;

/// A person a completed session reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Persona {
    pub given_name: String,
    pub surname: String,
    /// The national identity number, in the form the provider reports it.
    pub ssn: String,
    pub birth_date: NaiveDate,
    /// The country of the identity document, in Freja's vocabulary (`SWEDEN`, ...).
    pub country: &'static str,
    pub phone: String,
    pub email: String,
    pub address: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

impl Persona {
    /// The default Swedish persona (BankID SE, Freja).
    pub fn sweden() -> Self {
        Self {
            given_name: "Anna".into(),
            surname: "Andersson".into(),
            ssn: "198112289874".into(),
            birth_date: date(1981, 12, 28),
            country: "SWEDEN",
            phone: "+46701234567".into(),
            email: "anna.andersson@example.se".into(),
            address: "Storgatan 1, 111 22 Stockholm".into(),
        }
    }

    /// The default Norwegian persona (BankID NO, Vipps).
    pub fn norway() -> Self {
        Self {
            given_name: "Kari".into(),
            surname: "Nordmann".into(),
            ssn: "15108695088".into(),
            birth_date: date(1986, 10, 15),
            country: "NORWAY",
            phone: "+4791234567".into(),
            email: "kari.nordmann@example.no".into(),
            address: "Karl Johans gate 1, 0154 Oslo".into(),
        }
    }

    /// The default Danish persona (MitID).
    pub fn denmark() -> Self {
        Self {
            given_name: "Mette".into(),
            surname: "Hansen".into(),
            ssn: "1203881234".into(),
            birth_date: date(1988, 3, 12),
            country: "DENMARK",
            phone: "+4512345678".into(),
            email: "mette.hansen@example.dk".into(),
            address: "Vesterbrogade 1, 1620 København V".into(),
        }
    }

    /// The default Finnish persona (FTN).
    pub fn finland() -> Self {
        Self {
            given_name: "Matti".into(),
            surname: "Meikäläinen".into(),
            ssn: "131052-308T".into(),
            birth_date: date(1952, 10, 13),
            country: "FINLAND",
            phone: "+358401234567".into(),
            email: "matti.meikalainen@example.fi".into(),
            address: "Mannerheimintie 1, 00100 Helsinki".into(),
        }
    }

    /// The people of a country a provider page offers to log in as: the country's default
    /// persona first, then another one, so a test can tell whose login it saw.
    pub fn choices(country: &str) -> [Self; 2] {
        let other = |given: &str, surname: &str, ssn: &str, birth: NaiveDate| Self {
            given_name: given.into(),
            surname: surname.into(),
            ssn: ssn.into(),
            birth_date: birth,
            ..Self::for_country(country)
        };
        let second = match country {
            "NORWAY" => other("Ola", "Nordmann", "17059040170", date(1990, 5, 17)),
            "DENMARK" => other("Lars", "Jensen", "0705921235", date(1992, 5, 7)),
            "FINLAND" => other("Maija", "Virtanen", "150390-248A", date(1990, 3, 15)),
            _ => other("Erik", "Svensson", "197503151230", date(1975, 3, 15)),
        };
        [Self::for_country(country), second]
    }

    /// The default persona of a Freja country.
    pub fn for_country(country: &str) -> Self {
        match country {
            "NORWAY" => Self::norway(),
            "DENMARK" => Self::denmark(),
            "FINLAND" => Self::finland(),
            _ => Self::sweden(),
        }
    }

    /// This persona, but identified by the number the session was started for: a real
    /// provider only lets that person complete it. The birth date follows the number when it
    /// holds one.
    pub fn with_ssn(mut self, ssn: &str) -> Self {
        let normalised: String = ssn.chars().filter(|c| !matches!(c, ' ')).collect();
        let birth = match self.country {
            "SWEDEN" => ids::personnummer_birth_date(&normalised),
            "NORWAY" => ids::fodselsnummer_birth_date(&normalised),
            "DENMARK" => ids::cpr_birth_date_of(&normalised),
            _ => None,
        };
        if let Some(birth) = birth {
            self.birth_date = birth;
        }
        // BankID SE reports the 12-digit form without separators.
        self.ssn = match self.country {
            "SWEDEN" => normalised.replace(['-', '+'], ""),
            "NORWAY" | "DENMARK" => normalised.replace('-', ""),
            _ => normalised,
        };
        self
    }

    /// This persona, but with the given phone number (Vipps backchannel).
    pub fn with_phone(mut self, phone: &str) -> Self {
        self.phone = phone.to_owned();
        self
    }

    /// This persona, `years` old today.
    pub fn with_age(mut self, years: u32) -> Self {
        let today = Utc::now().date_naive();
        let Some(year) = i32::try_from(years)
            .ok()
            .and_then(|y| today.year().checked_sub(y))
        else {
            return self;
        };
        // 29 February does not exist in every year; fall back to the 28th.
        self.birth_date = today
            .with_year(year)
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .unwrap_or(self.birth_date);
        self
    }

    /// The full name.
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.surname)
    }

    /// Age in whole years today.
    pub fn age(&self) -> u32 {
        let today = Utc::now().date_naive();
        let mut age = today.year() - self.birth_date.year();
        if (today.month(), today.day()) < (self.birth_date.month(), self.birth_date.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_personas_carry_valid_numbers() {
        assert!(ids::valid_personnummer(&Persona::sweden().ssn));
        assert!(ids::valid_fodselsnummer(&Persona::norway().ssn));
        assert!(ids::valid_cpr(&Persona::denmark().ssn));
        assert!(ids::valid_hetu(&Persona::finland().ssn));
        let [_, se] = Persona::choices("SWEDEN");
        let [_, no] = Persona::choices("NORWAY");
        let [_, dk] = Persona::choices("DENMARK");
        let [_, fi] = Persona::choices("FINLAND");
        assert!(ids::valid_personnummer(&se.ssn));
        assert!(ids::valid_fodselsnummer(&no.ssn));
        assert!(ids::valid_cpr(&dk.ssn));
        assert!(ids::valid_hetu(&fi.ssn));
        assert_eq!(ids::fodselsnummer_birth_date(&no.ssn), Some(no.birth_date));
        assert_eq!(ids::cpr_birth_date_of(&dk.ssn), Some(dk.birth_date));
    }

    #[test]
    fn age_follows_birth_date() {
        assert_eq!(Persona::sweden().with_age(17).age(), 17);
        assert_eq!(Persona::sweden().with_age(70).age(), 70);
        // Ages no calendar holds keep the persona's own birth date.
        assert_eq!(Persona::sweden().with_age(u32::MAX), Persona::sweden());
        assert_eq!(Persona::sweden().with_age(3_000_000), Persona::sweden());
    }
}
