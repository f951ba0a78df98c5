//! The Luhn (mod 10) check used by Swedish personnummer and organisationsnummer.

/// True when `digits` (check digit last) pass the Luhn check: weights 2, 1, 2, ... from the
/// left for an even count, a doubled digit over 9 has 9 subtracted, the sum divides by 10.
pub(super) fn is_valid(digits: &[u8]) -> bool {
    sum(digits, digits.len().is_multiple_of(2)).is_multiple_of(10)
}

/// The check digit that makes `body` (without its check digit) pass the Luhn check.
#[cfg(test)]
pub(super) fn check_digit(body: &[u8]) -> u8 {
    let sum = sum(body, body.len() % 2 == 1);
    ((10 - sum % 10) % 10) as u8
}

fn sum(digits: &[u8], double_first: bool) -> u32 {
    digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let doubled = (i % 2 == 0) == double_first;
            let v = u32::from(d) * if doubled { 2 } else { 1 };
            if v > 9 { v - 9 } else { v }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        assert!(is_valid(&[8, 1, 1, 2, 2, 8, 9, 8, 7, 4]));
        assert!(!is_valid(&[8, 1, 1, 2, 2, 8, 9, 8, 7, 5]));
        assert_eq!(check_digit(&[8, 1, 1, 2, 2, 8, 9, 8, 7]), 4);
    }
}
