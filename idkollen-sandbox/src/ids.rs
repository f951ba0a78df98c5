//! Check digits of the Nordic national identity numbers the sandbox hands out, so every persona
//! and test identity is a well-formed number that clients' own validation accepts.

use chrono::NaiveDate;

fn digits(s: &str, drop: &[char]) -> Option<Vec<u32>> {
    s.chars()
        .filter(|c| !drop.contains(c))
        .map(|c| c.to_digit(10))
        .collect()
}

#[cfg(test)]
/// A Swedish personnummer or samordningsnummer (10 or 12 digits, `-` or `+` allowed) whose
/// Luhn check digit is right.
pub fn valid_personnummer(s: &str) -> bool {
    let Some(d) = digits(s, &['-', '+']) else {
        return false;
    };
    let d = match d.len() {
        10 => &d[..],
        12 => &d[2..],
        _ => return false,
    };
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let v = if i % 2 == 0 { x * 2 } else { x };
            if v > 9 { v - 9 } else { v }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
/// A Norwegian fødselsnummer or D-number (11 digits) whose two mod-11 check digits are right.
pub fn valid_fodselsnummer(s: &str) -> bool {
    let Some(d) = digits(s, &['-', ' ']) else {
        return false;
    };
    if d.len() != 11 {
        return false;
    }
    let w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
    let w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    let s1: u32 = d.iter().zip(w1).map(|(a, b)| a * b).sum();
    let s2: u32 = d.iter().zip(w2).map(|(a, b)| a * b).sum();
    s1.is_multiple_of(11) && s2.is_multiple_of(11)
}

#[cfg(test)]
/// A Danish CPR number (10 digits, `-` allowed) with a real date. The mod-11 check was dropped
/// in 2007, so the date is all there is to check.
pub fn valid_cpr(s: &str) -> bool {
    let Some(d) = digits(s, &['-']) else {
        return false;
    };
    d.len() == 10 && cpr_birth_date(&d).is_some()
}

fn cpr_birth_date(d: &[u32]) -> Option<NaiveDate> {
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let yy = (d[4] * 10 + d[5]) as i32;
    // The 7th digit and the year together give the century.
    let century = match (d[6], yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (5..=8, 0..=57) => 2000,
        (5..=8, _) => 1800,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(century + yy, month, day % 60)
}

#[cfg(test)]
/// A Finnish henkilötunnus (`DDMMYYCZZZQ`) whose check character is right.
pub fn valid_hetu(s: &str) -> bool {
    let s = s.to_uppercase();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 11 || !"+-YXWVUABCDEF".contains(chars[6]) {
        return false;
    }
    let number: String = chars[..6].iter().chain(&chars[7..10]).collect();
    let Ok(n) = number.parse::<u64>() else {
        return false;
    };
    let table: Vec<char> = "0123456789ABCDEFHJKLMNPRSTUVWXY".chars().collect();
    table[(n % 31) as usize] == chars[10]
}

/// The birth date in a Swedish personnummer in its 12-digit form.
pub(crate) fn personnummer_birth_date(s: &str) -> Option<NaiveDate> {
    let d = digits(s, &['-', '+'])?;
    if d.len() != 12 {
        return None;
    }
    let year = (d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]) as i32;
    // Samordningsnummer add 60 to the day.
    NaiveDate::from_ymd_opt(year, d[4] * 10 + d[5], (d[6] * 10 + d[7]) % 60)
}

/// The birth date in a Norwegian fødselsnummer (D-numbers add 40 to the day, H-numbers 40 to
/// the month; the individual number gives the century).
pub(crate) fn fodselsnummer_birth_date(s: &str) -> Option<NaiveDate> {
    let d = digits(s, &['-', ' '])?;
    if d.len() != 11 {
        return None;
    }
    let day = (d[0] * 10 + d[1]) % 40;
    let month = (d[2] * 10 + d[3]) % 40;
    let yy = (d[4] * 10 + d[5]) as i32;
    let individual = d[6] * 100 + d[7] * 10 + d[8];
    let century = match (individual, yy) {
        (0..=499, _) => 1900,
        (500..=749, 54..=99) => 1800,
        (500..=999, 0..=39) => 2000,
        (900..=999, 40..=99) => 1900,
        _ => 1900,
    };
    NaiveDate::from_ymd_opt(century + yy, month, day)
}

/// The birth date in a Danish CPR number.
pub(crate) fn cpr_birth_date_of(s: &str) -> Option<NaiveDate> {
    let d = digits(s, &['-'])?;
    if d.len() != 10 {
        return None;
    }
    cpr_birth_date(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples_pass() {
        assert!(valid_personnummer("811228-9874"));
        assert!(valid_personnummer("198112289874"));
        assert!(!valid_personnummer("811228-9875"));
        assert!(valid_fodselsnummer("15108695088"));
        assert!(!valid_fodselsnummer("15108695089"));
        assert!(valid_hetu("131052-308T"));
        assert!(!valid_hetu("131052-308U"));
        assert!(valid_cpr("1203881234"));
        assert!(!valid_cpr("3202881234"));
    }

    #[test]
    fn birth_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(personnummer_birth_date("198112289874"), d(1981, 12, 28));
        assert_eq!(fodselsnummer_birth_date("15108695088"), d(1986, 10, 15));
        assert_eq!(cpr_birth_date_of("1203881234"), d(1988, 3, 12));
    }
}
