//! Scripted outcomes: test identities and `refId` scripts decide how a session ends, the way
//! payment providers' test card numbers do.

use std::fmt;

/// What a session is scripted to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Script {
    /// Completes with the persona (the default).
    Complete,
    /// The user cancels: FAILED with `CANCELLED`.
    Cancel,
    /// Nobody acts: FAILED with `SESSION_TIMEOUT` after [`Timings::timeout_after`](crate::Timings).
    Timeout,
    /// Fails with this error code (any string, also one no client knows).
    Fail(String),
    /// Reports a hint code no client knows while pending, then completes.
    UnknownHint,
    /// While pending, reports a status no client knows (after the user started), then
    /// completes.
    UnknownStatus,
    /// Completes only after [`Timings::slow_complete_after`](crate::Timings).
    Slow,
    /// Completes, but every other status read answers 429.
    Throttle,
    /// Stays pending until the control API completes or fails it (or it times out).
    Manual,
    /// Completes with a persona of this age (for age verification).
    Age(u32),
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Script::Complete => f.write_str("complete"),
            Script::Cancel => f.write_str("cancel"),
            Script::Timeout => f.write_str("timeout"),
            Script::Fail(code) => write!(f, "fail:{code}"),
            Script::UnknownHint => f.write_str("unknown-hint"),
            Script::UnknownStatus => f.write_str("unknown-status"),
            Script::Slow => f.write_str("slow"),
            Script::Throttle => f.write_str("throttle"),
            Script::Manual => f.write_str("manual"),
            Script::Age(years) => write!(f, "age:{years}"),
        }
    }
}

/// The hint code a session scripted with [`Script::UnknownHint`] reports.
pub const UNKNOWN_HINT_CODE: &str = "sandboxFutureHint";

/// The status a session scripted with [`Script::UnknownStatus`] reports while pending.
pub const UNKNOWN_STATUS: &str = "SANDBOX_FUTURE_STATUS";

/// The error code of the test identities that fail "with a code from the future".
pub const FUTURE_ERROR_CODE: &str = "FUTURE_ERROR_CODE";

/// The prefix of a `refId` that scripts a session.
pub const REF_ID_PREFIX: &str = "sandbox:";

/// Reads a script from a `refId`. `Ok(None)`: an ordinary refId. `Err`: it starts with
/// `sandbox:` but names no script (a typo should not silently complete).
pub fn parse_ref_id(ref_id: &str) -> Result<Option<Script>, String> {
    let Some(rest) = ref_id.strip_prefix(REF_ID_PREFIX) else {
        return Ok(None);
    };
    let script = match rest {
        "complete" => Script::Complete,
        "cancel" => Script::Cancel,
        "timeout" => Script::Timeout,
        "unknown-hint" => Script::UnknownHint,
        "unknown-status" => Script::UnknownStatus,
        "slow" => Script::Slow,
        "throttle" => Script::Throttle,
        "manual" => Script::Manual,
        _ => {
            if let Some(code) = rest.strip_prefix("fail:").filter(|c| !c.is_empty()) {
                Script::Fail(code.to_owned())
            } else if let Some(age) = rest.strip_prefix("age:").and_then(|a| a.parse().ok()) {
                Script::Age(age)
            } else {
                return Err(format!(
                    "refId: unknown sandbox script {ref_id:?}; known scripts: sandbox:complete, \
                     sandbox:cancel, sandbox:timeout, sandbox:fail:<CODE>, sandbox:unknown-hint, \
                     sandbox:unknown-status, sandbox:slow, sandbox:throttle, sandbox:manual, sandbox:age:<YEARS>"
                ));
            }
        }
    };
    Ok(Some(script))
}

/// Which kind of identifier a test identity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentityKind {
    /// Swedish personnummer (BankID SE; Freja).
    SwedishSsn,
    /// Norwegian fødselsnummer (BankID NO backchannel; Freja with country NORWAY).
    NorwegianSsn,
    /// Danish CPR number (MitID backchannel; Freja with country DENMARK).
    DanishCpr,
    /// Phone number (Vipps backchannel).
    Phone,
}

/// A documented identity whose sessions follow a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestIdentity {
    /// The kind of identifier.
    pub kind: IdentityKind,
    /// The value to send (`ssn` or `phone`), in its canonical form.
    pub value: &'static str,
    /// What its sessions do.
    pub script: Script,
}

// One script per row, the same order for every kind, so the numbers are easy to remember: the
// n-th Swedish, Norwegian, Danish and phone identity all follow the n-th script.
const SWEDISH: [&str; 13] = [
    "199001012310",
    "199001012328",
    "199001012336",
    "199001012344",
    "199001012351",
    "199001012369",
    "199001012377",
    "199001012385",
    "199001012393",
    "199001012401",
    "199001012419",
    "199001012427",
    "199001012435",
];
const NORWEGIAN: [&str; 13] = [
    "01019010046",
    "01019010127",
    "01019010208",
    "01019010399",
    "01019010550",
    "01019010631",
    "01019010712",
    "01019010984",
    "01019011182",
    "01019011263",
    "01019011344",
    "01019011425",
    "01019011506",
];
const DANISH: [&str; 13] = [
    "0101901001",
    "0101901002",
    "0101901003",
    "0101901004",
    "0101901005",
    "0101901006",
    "0101901007",
    "0101901008",
    "0101901009",
    "0101901010",
    "0101901011",
    "0101901012",
    "0101901013",
];
const PHONES: [&str; 13] = [
    "+4740000001",
    "+4740000002",
    "+4740000003",
    "+4740000004",
    "+4740000005",
    "+4740000006",
    "+4740000007",
    "+4740000008",
    "+4740000009",
    "+4740000010",
    "+4740000011",
    "+4740000012",
    "+4740000013",
];

fn script_of_row(row: usize) -> Script {
    match row {
        0 => Script::Complete,
        1 => Script::Cancel,
        2 => Script::Timeout,
        3 => Script::Fail("AUTH_FAILED".into()),
        4 => Script::Fail("INVALID_ID".into()),
        5 => Script::Fail("CONFLICT".into()),
        6 => Script::Fail("INTERNAL_ERROR".into()),
        7 => Script::Fail("UNSUPPORTED_CLIENT".into()),
        8 => Script::Fail(FUTURE_ERROR_CODE.into()),
        9 => Script::UnknownHint,
        10 => Script::Slow,
        11 => Script::Throttle,
        _ => Script::Manual,
    }
}

/// Every documented test identity.
pub fn test_identities() -> Vec<TestIdentity> {
    let mut out = Vec::new();
    for (kind, values) in [
        (IdentityKind::SwedishSsn, &SWEDISH),
        (IdentityKind::NorwegianSsn, &NORWEGIAN),
        (IdentityKind::DanishCpr, &DANISH),
        (IdentityKind::Phone, &PHONES),
    ] {
        for (row, value) in values.iter().enumerate() {
            out.push(TestIdentity {
                kind,
                value,
                script: script_of_row(row),
            });
        }
    }
    out
}

/// The canonical form of an identifier for comparison: separators dropped; Swedish numbers
/// compared on their last ten digits, so `900101-2310` matches `199001012310`.
fn canonical(kind: IdentityKind, value: &str) -> String {
    let kept: String = value
        .chars()
        .filter(|c| !matches!(c, '-' | '+' | ' ') || (kind == IdentityKind::Phone && *c == '+'))
        .collect();
    // Only a 12-digit number has a century to drop; anything else (any text a client sends)
    // is compared as it is.
    match kind {
        IdentityKind::SwedishSsn
            if kept.len() == 12 && kept.bytes().all(|b| b.is_ascii_digit()) =>
        {
            kept[2..].to_owned()
        }
        _ => kept,
    }
}

/// The script of a test identity, if `value` is one.
pub(crate) fn script_for_identity(kind: IdentityKind, value: &str) -> Option<Script> {
    let wanted = canonical(kind, value);
    test_identities()
        .into_iter()
        .find(|t| t.kind == kind && canonical(kind, t.value) == wanted)
        .map(|t| t.script)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids;

    #[test]
    fn every_test_identity_passes_its_check_digits() {
        for t in test_identities() {
            let ok = match t.kind {
                IdentityKind::SwedishSsn => ids::valid_personnummer(t.value),
                IdentityKind::NorwegianSsn => ids::valid_fodselsnummer(t.value),
                IdentityKind::DanishCpr => ids::valid_cpr(t.value),
                IdentityKind::Phone => t.value.starts_with('+'),
            };
            assert!(ok, "{t:?}");
        }
    }

    #[test]
    fn identities_match_in_any_common_form() {
        let k = IdentityKind::SwedishSsn;
        assert_eq!(script_for_identity(k, "900101-2328"), Some(Script::Cancel));
        assert_eq!(
            script_for_identity(k, "19900101-2328"),
            Some(Script::Cancel)
        );
        assert_eq!(script_for_identity(k, "198112289874"), None);
        // Arbitrary text, including multi-byte characters, is no identity and no panic.
        assert_eq!(
            script_for_identity(k, "\u{2dfad}\u{b9b37}\u{91}\u{82}"),
            None
        );
        assert_eq!(script_for_identity(k, "ååååååå"), None);
        let p = IdentityKind::Phone;
        assert_eq!(
            script_for_identity(p, "+47 400 00 012"),
            Some(Script::Throttle)
        );
        assert_eq!(
            script_for_identity(IdentityKind::DanishCpr, "010190-1009"),
            Some(Script::Fail(FUTURE_ERROR_CODE.into()))
        );
    }

    #[test]
    fn ref_id_scripts() {
        assert_eq!(parse_ref_id("order-17"), Ok(None));
        assert_eq!(
            parse_ref_id("sandbox:fail:INVALID_ID"),
            Ok(Some(Script::Fail("INVALID_ID".into())))
        );
        assert_eq!(parse_ref_id("sandbox:age:17"), Ok(Some(Script::Age(17))));
        assert_eq!(parse_ref_id("sandbox:manual"), Ok(Some(Script::Manual)));
        assert!(parse_ref_id("sandbox:compleet").is_err());
        assert!(parse_ref_id("sandbox:fail:").is_err());
        for script in [
            "complete",
            "cancel",
            "timeout",
            "unknown-hint",
            "slow",
            "throttle",
        ] {
            let parsed = parse_ref_id(&format!("sandbox:{script}")).ok().flatten();
            assert_eq!(parsed.map(|s| s.to_string()), Some(script.to_owned()));
        }
    }
}

#[cfg(test)]
mod readme {
    use super::*;

    /// The README's table lists every test identity, each kind on the row of its script.
    #[test]
    fn the_readme_table_matches() {
        let readme = include_str!("../README.md");
        for row in 0..SWEDISH.len() {
            let line = readme
                .lines()
                .find(|l| l.contains(SWEDISH[row]))
                .unwrap_or_else(|| panic!("{} not in the README", SWEDISH[row]));
            for value in [NORWEGIAN[row], DANISH[row], PHONES[row]] {
                assert!(
                    line.contains(value),
                    "{value} not on the row of {}",
                    SWEDISH[row]
                );
            }
            let script = script_of_row(row);
            let marker = match &script {
                Script::Fail(code) => code.clone(),
                Script::Cancel => "CANCELLED".into(),
                Script::Timeout => "SESSION_TIMEOUT".into(),
                Script::UnknownHint => UNKNOWN_HINT_CODE.into(),
                other => other.to_string(),
            };
            let lower = line.to_lowercase();
            assert!(
                line.contains(&marker) || lower.contains(&marker.replace("complete", "completes")),
                "row of {} does not say {marker}: {line}",
                SWEDISH[row]
            );
        }
    }
}
