//! Links that open the eID app on the user's own device ("autostart").
//!
//! BankID's current guidance: the universal link (`https://app.bankid.com/...`) on **every**
//! iOS and Android browser, the scheme link (`bankid:///...`) only on desktop. The older rule
//! (the universal link only for iOS Safari and Android Chrome/Edge) broke on Android Edge, Edge
//! with Intune and in-app browsers. The `redirect` parameter, where the app sends the user
//! when done, depends on the browser:
//!
//! | platform | link | `redirect` |
//! |---|---|---|
//! | desktop | `bankid:///` | `null` (the app returns by itself) |
//! | Android, any browser or web view | `https://app.bankid.com/` | `null` (the app returns to the last app) |
//! | iOS Safari | `https://app.bankid.com/` | the page's URL |
//! | iOS Chrome | `https://app.bankid.com/` | the page's URL in Chrome's scheme (`googlechromes://...`) |
//! | iOS Firefox | `https://app.bankid.com/` | `firefox://open-url?url=...` |
//! | iOS Edge, Opera, other browsers | `https://app.bankid.com/` | `null` |
//! | iOS in-app browser (a web view) | `https://app.bankid.com/` | `null`: an app that embeds the page gives its own app URL |
//!
//! [`Platform::from_user_agent`] reads the platform from a request's `User-Agent`.

use url::form_urlencoded::byte_serialize;

/// Where the user's browser runs, which decides the kind of link and its `redirect`.
///
/// Read it from a request with [`Platform::from_user_agent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// A desktop or laptop computer (also an iPad that asks for desktop sites, which its
    /// user agent cannot tell from a Mac).
    Desktop,
    /// Safari on iOS or iPadOS.
    IosSafari,
    /// Chrome on iOS (`CriOS`).
    IosChrome,
    /// Firefox on iOS (`FxiOS`).
    IosFirefox,
    /// Edge on iOS (`EdgiOS`), with or without Intune.
    IosEdge,
    /// Opera on iOS.
    IosOpera,
    /// An app's embedded web view on iOS: Facebook, Instagram, LinkedIn, the Google app, or
    /// any web view that does not name Safari.
    IosInApp,
    /// Another browser on iOS.
    IosOther,
    /// Chrome on Android (Brave names itself Chrome too).
    AndroidChrome,
    /// Edge on Android (`EdgA`).
    AndroidEdge,
    /// Samsung Internet.
    AndroidSamsung,
    /// Firefox on Android.
    AndroidFirefox,
    /// Opera on Android (`OPR`).
    AndroidOpera,
    /// An app's embedded web view on Android (`wv`, Facebook, Instagram, ...).
    AndroidInApp,
    /// Another browser on Android.
    AndroidOther,
}

/// Markers of apps' embedded browsers, as they appear in user agents.
const IN_APP_MARKERS: [&str; 12] = [
    "FBAN/",
    "FBAV/",
    "FB_IAB/",
    "Instagram",
    "[LinkedInApp]",
    "LinkedInApp",
    "Twitter",
    "Snapchat",
    "MicroMessenger",
    " Line/",
    "musical_ly",
    "BytedanceWebview",
];

impl Platform {
    /// The platform a request's `User-Agent` names. Unknown or missing agents read as
    /// [`Platform::Desktop`], where the scheme link and the QR code serve.
    ///
    /// ```
    /// use idkollen_ext::launch::Platform;
    ///
    /// let ios_chrome = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 \
    ///     (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1";
    /// assert_eq!(Platform::from_user_agent(ios_chrome), Platform::IosChrome);
    /// assert_eq!(Platform::from_user_agent(""), Platform::Desktop);
    /// ```
    pub fn from_user_agent(user_agent: &str) -> Platform {
        let ua = user_agent;
        let has = |marker: &str| ua.contains(marker);
        let in_app = IN_APP_MARKERS.iter().any(|m| has(m));
        if has("iPhone") || has("iPad") || has("iPod") {
            return if in_app || has("GSA/") {
                Platform::IosInApp
            } else if has("CriOS/") {
                Platform::IosChrome
            } else if has("FxiOS/") {
                Platform::IosFirefox
            } else if has("EdgiOS/") {
                Platform::IosEdge
            } else if has("OPiOS/") || has("OPT/") || has("OPX/") {
                Platform::IosOpera
            } else if !has("Safari/") {
                // A WKWebView's agent ends at `Mobile/...`: only Safari itself names Safari.
                Platform::IosInApp
            } else if has("Version/") {
                Platform::IosSafari
            } else {
                Platform::IosOther
            };
        }
        if has("Android") {
            return if in_app || has("; wv)") {
                Platform::AndroidInApp
            } else if has("SamsungBrowser/") {
                Platform::AndroidSamsung
            } else if has("EdgA/") {
                Platform::AndroidEdge
            } else if has("OPR/") || has("Opera") {
                Platform::AndroidOpera
            } else if has("Firefox/") {
                Platform::AndroidFirefox
            } else if has("Chrome/") {
                Platform::AndroidChrome
            } else {
                Platform::AndroidOther
            };
        }
        Platform::Desktop
    }

    /// iOS or iPadOS.
    pub fn is_ios(self) -> bool {
        matches!(
            self,
            Platform::IosSafari
                | Platform::IosChrome
                | Platform::IosFirefox
                | Platform::IosEdge
                | Platform::IosOpera
                | Platform::IosInApp
                | Platform::IosOther
        )
    }

    /// Android.
    pub fn is_android(self) -> bool {
        matches!(
            self,
            Platform::AndroidChrome
                | Platform::AndroidEdge
                | Platform::AndroidSamsung
                | Platform::AndroidFirefox
                | Platform::AndroidOpera
                | Platform::AndroidInApp
                | Platform::AndroidOther
        )
    }

    /// A phone or tablet: the eID app is on this device, so a page starts it at once rather
    /// than showing a QR code first.
    pub fn is_mobile(self) -> bool {
        self != Platform::Desktop
    }

    /// Whether the browser opens the app only from the user's own click on the link. Android's
    /// Chrome, Edge, Samsung Internet (and Brave, which names itself Chrome) block a link a
    /// page follows by itself; iOS browsers and Android's Firefox and Opera follow it. A page
    /// shows an "open the app" button either way, as the fallback.
    pub fn launch_needs_click(self) -> bool {
        matches!(
            self,
            Platform::AndroidChrome
                | Platform::AndroidEdge
                | Platform::AndroidSamsung
                | Platform::AndroidInApp
                | Platform::AndroidOther
        )
    }

    /// The `redirect` value of a BankID link, before encoding: where the app sends the user
    /// back, or `None` for `redirect=null`.
    fn bankid_redirect(self, return_url: Option<&str>) -> Option<String> {
        let url = return_url?;
        match self {
            Platform::IosSafari => Some(url.to_owned()),
            // Chrome on iOS opens its own scheme: the page's URL with `https` replaced.
            Platform::IosChrome => {
                if let Some(rest) = url.strip_prefix("https://") {
                    Some(format!("googlechromes://{rest}"))
                } else {
                    url.strip_prefix("http://")
                        .map(|rest| format!("googlechrome://{rest}"))
                }
            }
            Platform::IosFirefox => Some(format!("firefox://open-url?url={}", encode(url))),
            _ => None,
        }
    }
}

/// The link that starts the BankID app for `auto_start_token` on `platform`.
///
/// `return_url` is the page the app sends the user back to (usually the page's own URL); it is
/// used where BankID's guidance asks for it (iOS Safari, Chrome and Firefox, in the browser's
/// own form) and ignored elsewhere, where the link carries `redirect=null`. An app that shows
/// the page in its own web view knows its app URL: build the link with
/// [`Platform::IosSafari`] and that URL.
///
/// ```
/// use idkollen_ext::launch::{Platform, bankid_link};
///
/// assert_eq!(
///     bankid_link("abc", Platform::AndroidChrome, Some("https://shop.example/login")),
///     "https://app.bankid.com/?autostarttoken=abc&redirect=null"
/// );
/// assert_eq!(
///     bankid_link("abc", Platform::IosSafari, Some("https://shop.example/login?x=1")),
///     "https://app.bankid.com/?autostarttoken=abc&redirect=https%3A%2F%2Fshop.example%2Flogin%3Fx%3D1"
/// );
/// assert_eq!(bankid_link("abc", Platform::Desktop, None), "bankid:///?autostarttoken=abc&redirect=null");
/// ```
pub fn bankid_link(auto_start_token: &str, platform: Platform, return_url: Option<&str>) -> String {
    let base = if platform.is_mobile() {
        "https://app.bankid.com/"
    } else {
        "bankid:///"
    };
    let redirect = platform
        .bankid_redirect(return_url)
        .map(|r| encode(&r))
        .unwrap_or_else(|| "null".to_owned());
    format!(
        "{base}?autostarttoken={}&redirect={redirect}",
        encode(auto_start_token)
    )
}

/// The link that starts the Freja eID app for a transaction, from the `autoStartToken` of a
/// Freja pending status. See [`freja_link_for`] for the link a given browser should get.
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

/// The link that starts the Freja eID app on `platform`, or `None` on a desktop, where there
/// is no Freja eID app to start (the user scans the QR code with their phone).
///
/// On iOS, Freja returns to the browser named by `originAppScheme` when it has a scheme of
/// its own (Chrome, Firefox); Safari has none, and its user switches back by hand.
///
/// ```
/// use idkollen_ext::launch::{Platform, freja_link_for};
///
/// assert_eq!(freja_link_for("T", Platform::Desktop), None);
/// assert_eq!(
///     freja_link_for("T", Platform::IosChrome).unwrap(),
///     "frejaeid://bindUserToTransaction?transactionReference=T&originAppScheme=googlechromes"
/// );
/// ```
pub fn freja_link_for(auto_start_token: &str, platform: Platform) -> Option<String> {
    if !platform.is_mobile() {
        return None;
    }
    let link = freja_link(auto_start_token);
    let origin = match platform {
        Platform::IosChrome => Some("googlechromes"),
        Platform::IosFirefox => Some("firefox"),
        _ => None,
    };
    Some(match origin {
        Some(scheme) => format!("{link}&originAppScheme={scheme}"),
        None => link,
    })
}

fn encode(value: &str) -> String {
    byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests;
