//! Links that open the eID app on the user's own device ("autostart").
//!
//! BankID's rules: the universal link (`https://app.bankid.com/...`) suits iOS Safari and
//! Android's Chrome and Edge; other browsers get the scheme link (`bankid:///...`). On Android
//! and desktop the app returns to the browser by itself, so `redirect=null`; on iOS the app
//! needs the URL to return to.

use url::form_urlencoded::byte_serialize;

/// Where the user's browser runs, which decides the kind of link and the redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// Safari on iOS or iPadOS.
    IosSafari,
    /// Any other browser or an in-app web view on iOS.
    IosOther,
    /// Chrome or Edge on Android.
    AndroidChromeOrEdge,
    /// Any other browser on Android.
    AndroidOther,
    /// A desktop or laptop computer with the BankID security app.
    Desktop,
}

impl Platform {
    fn is_ios(self) -> bool {
        matches!(self, Self::IosSafari | Self::IosOther)
    }

    fn universal_link(self) -> bool {
        matches!(self, Self::IosSafari | Self::AndroidChromeOrEdge)
    }
}

/// The link that starts the BankID app for `auto_start_token` on `platform`.
///
/// `return_url` is where the app sends the user back to on iOS (usually the current page's URL);
/// it is ignored elsewhere, where BankID's rule is `redirect=null`. On iOS without a
/// `return_url`, the link carries `redirect=null` and the user switches back by hand.
///
/// ```
/// use idkollen_ext::launch::{Platform, bankid_link};
///
/// assert_eq!(
///     bankid_link("abc", Platform::AndroidChromeOrEdge, None),
///     "https://app.bankid.com/?autostarttoken=abc&redirect=null"
/// );
/// assert_eq!(
///     bankid_link("abc", Platform::IosSafari, Some("https://shop.example/login?x=1")),
///     "https://app.bankid.com/?autostarttoken=abc&redirect=https%3A%2F%2Fshop.example%2Flogin%3Fx%3D1"
/// );
/// assert_eq!(bankid_link("abc", Platform::Desktop, None), "bankid:///?autostarttoken=abc&redirect=null");
/// ```
pub fn bankid_link(auto_start_token: &str, platform: Platform, return_url: Option<&str>) -> String {
    let base = if platform.universal_link() {
        "https://app.bankid.com/"
    } else {
        "bankid:///"
    };
    let redirect = match (platform.is_ios(), return_url) {
        (true, Some(url)) => encode(url),
        _ => "null".to_string(),
    };
    format!(
        "{base}?autostarttoken={}&redirect={redirect}",
        encode(auto_start_token)
    )
}

/// The link that starts the Freja eID app for a transaction, from the `autoStartToken` of a
/// Freja pending status.
///
/// ```
/// use idkollen_ext::launch::freja_link;
///
/// assert_eq!(freja_link("T1 2"), "frejaeid://bindUserToTransaction?transactionReference=T1+2");
/// ```
pub fn freja_link(auto_start_token: &str) -> String {
    format!(
        "frejaeid://bindUserToTransaction?transactionReference={}",
        encode(auto_start_token)
    )
}

fn encode(value: &str) -> String {
    byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform() {
        let ret = Some("https://rp.example/cb");
        let cases = [
            (
                Platform::IosSafari,
                "https://app.bankid.com/?autostarttoken=t&redirect=https%3A%2F%2Frp.example%2Fcb",
            ),
            (
                Platform::IosOther,
                "bankid:///?autostarttoken=t&redirect=https%3A%2F%2Frp.example%2Fcb",
            ),
            (
                Platform::AndroidChromeOrEdge,
                "https://app.bankid.com/?autostarttoken=t&redirect=null",
            ),
            (
                Platform::AndroidOther,
                "bankid:///?autostarttoken=t&redirect=null",
            ),
            (
                Platform::Desktop,
                "bankid:///?autostarttoken=t&redirect=null",
            ),
        ];
        for (platform, expected) in cases {
            assert_eq!(bankid_link("t", platform, ret), expected, "{platform:?}");
        }
        assert_eq!(
            bankid_link("t", Platform::IosSafari, None),
            "https://app.bankid.com/?autostarttoken=t&redirect=null"
        );
    }
}
