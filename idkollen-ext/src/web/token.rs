//! The binding of a page session to the browser that started it: an unguessable id for the
//! URL, and an unguessable token in an `HttpOnly`, `SameSite=Strict` cookie scoped to that
//! session's path. The kit keeps only the token's SHA-256, compared in constant time.

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A random value of `N` bytes from the operating system, base64url without padding.
fn random<const N: usize>() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A page session's id: 128 random bits, 22 characters.
pub(crate) fn new_id() -> Result<String, getrandom::Error> {
    random::<16>()
}

/// A browser token: 256 random bits, 43 characters.
pub(crate) fn new_token() -> Result<String, getrandom::Error> {
    random::<32>()
}

/// A short code for the user to compare between the page and their app (MitID's binding
/// message): four characters that cannot be misread.
pub(crate) fn binding_code() -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// Whether `id` has the shape of an id this kit makes (so anything else is refused before a
/// lookup, and never lands in a cookie name).
pub(crate) fn well_formed_id(id: &str) -> bool {
    id.len() == 22
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(crate) fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Compares two digests in constant time.
pub(crate) fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The cookie's name for page session `id`.
fn cookie_name(id: &str) -> String {
    format!("idkollen-{id}")
}

/// The `Set-Cookie` value that binds page session `id` to this browser.
pub(crate) fn set_cookie(id: &str, token: &str, path: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{}={token}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}",
        cookie_name(id)
    )
}

/// The token the request's cookies carry for page session `id`, if any.
pub(crate) fn cookie_token(headers: &HeaderMap, id: &str) -> Option<String> {
    let name = cookie_name(id);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_tokens_are_random_and_well_formed() {
        let (a, b) = (new_id().unwrap(), new_id().unwrap());
        assert!(well_formed_id(&a) && a != b);
        assert_eq!(new_token().unwrap().len(), 43);
        assert!(!well_formed_id("../../etc/passwd"));
        assert!(!well_formed_id("short"));
        assert_eq!(binding_code().unwrap().len(), 4);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_found_again() {
        let cookie = set_cookie("abc", "tok", "/login/sessions/abc", 600, true);
        assert_eq!(
            cookie,
            "idkollen-abc=tok; Path=/login/sessions/abc; Max-Age=600; HttpOnly; SameSite=Strict; Secure"
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "other=1; idkollen-abc=tok; idkollen-abcd=x"
                .parse()
                .unwrap(),
        );
        assert_eq!(cookie_token(&headers, "abc").as_deref(), Some("tok"));
        assert_eq!(cookie_token(&headers, "zzz"), None);
        assert!(same_digest(&digest("tok"), &digest("tok")));
        assert!(!same_digest(&digest("tok"), &digest("tok2")));
    }
}
