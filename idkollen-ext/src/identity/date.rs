//! Calendar checks shared by the parsers.

/// True when year-month-day is a date of the proleptic Gregorian calendar.
pub(super) fn is_real(year: u16, month: u8, day: u8) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Today's date (UTC) as (year, month, day), from the system clock.
pub(super) fn today() -> (u16, u8, u8) {
    use chrono::Datelike;
    let now = chrono::Utc::now().date_naive();
    (now.year() as u16, now.month() as u8, now.day() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years() {
        assert!(is_real(2000, 2, 29));
        assert!(!is_real(1900, 2, 29));
        assert!(is_real(2024, 2, 29));
        assert!(!is_real(2023, 2, 29));
        assert!(!is_real(2023, 13, 1));
        assert!(!is_real(2023, 4, 31));
        assert!(!is_real(2023, 1, 0));
    }
}
