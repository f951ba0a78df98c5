//! The launch rules over real user agents: every browser gets the link and the `redirect`
//! BankID's current guidance gives it, and Freja's link follows the same platforms.

use super::*;

/// Real user agents, as browsers and apps send them, with the platform each must read as.
const AGENTS: &[(&str, Platform)] = &[
    // Desktop.
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        Platform::Desktop,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
        Platform::Desktop,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        Platform::Desktop,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        Platform::Desktop,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        Platform::Desktop,
    ),
    (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        Platform::Desktop,
    ),
    // iOS browsers.
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        Platform::IosSafari,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        Platform::IosSafari,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        Platform::IosChrome,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
        Platform::IosFirefox,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/124.2478.71 Mobile/15E148 Safari/605.1.15",
        Platform::IosEdge,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 OPT/4.5.1",
        Platform::IosOpera,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) OPiOS/16.0.14.122053 Mobile/16C101 Safari/9537.53",
        Platform::IosOpera,
    ),
    // iOS in-app browsers (web views).
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.38.109;FBBV/588437447;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBID/phone;FBLC/sv_SE;FBOP/5;FBRV/589875473]",
        Platform::IosInApp,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 327.0.3.18.106 (iPhone14,5; iOS 17_4; sv_SE; sv; scale=3.00; 1170x2532; 587950213)",
        Platform::IosInApp,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.9143",
        Platform::IosInApp,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/310.0.621847374 Mobile/15E148 Safari/604.1",
        Platform::IosInApp,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        Platform::IosInApp,
    ),
    // Android browsers.
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        Platform::AndroidChrome,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        Platform::AndroidChrome,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64",
        Platform::AndroidEdge,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        Platform::AndroidSamsung,
    ),
    (
        "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
        Platform::AndroidFirefox,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36 OPR/81.1.4292.78446",
        Platform::AndroidOpera,
    ),
    // Android in-app browsers.
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/461.0.0.49.91;]",
        Platform::AndroidInApp,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 327.1.0.37.100 Android (33/13; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_US; 587946121)",
        Platform::AndroidInApp,
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36",
        Platform::AndroidInApp,
    ),
];

const RETURN: &str = "https://shop.example/login?step=2";

/// The BankID link each platform must get, for token `t` and the return page [`RETURN`].
fn expected_bankid_link(platform: Platform) -> String {
    let universal = "https://app.bankid.com/?autostarttoken=t&redirect=";
    match platform {
        Platform::Desktop => "bankid:///?autostarttoken=t&redirect=null".into(),
        Platform::IosSafari => {
            format!("{universal}https%3A%2F%2Fshop.example%2Flogin%3Fstep%3D2")
        }
        Platform::IosChrome => {
            format!("{universal}googlechromes%3A%2F%2Fshop.example%2Flogin%3Fstep%3D2")
        }
        Platform::IosFirefox => format!(
            "{universal}firefox%3A%2F%2Fopen-url%3Furl%3Dhttps%253A%252F%252Fshop.example%252Flogin%253Fstep%253D2"
        ),
        _ => format!("{universal}null"),
    }
}

#[test]
fn every_real_user_agent_reads_as_its_platform_and_gets_todays_link() {
    assert!(AGENTS.len() >= 15);
    for (agent, platform) in AGENTS {
        let read = Platform::from_user_agent(agent);
        assert_eq!(read, *platform, "{agent}");
        assert_eq!(
            bankid_link("t", read, Some(RETURN)),
            expected_bankid_link(read),
            "{agent}"
        );
        // The universal link on every phone and tablet, the scheme link only on desktop.
        assert_eq!(
            bankid_link("t", read, None).starts_with("https://app.bankid.com/"),
            read != Platform::Desktop,
            "{agent}"
        );
        assert_eq!(
            freja_link_for("t", read).is_some(),
            read.is_mobile(),
            "{agent}"
        );
    }
}

#[test]
fn the_table_covers_each_kind_of_browser() {
    let seen = |p: fn(Platform) -> bool| AGENTS.iter().filter(|(_, x)| p(*x)).count();
    assert!(seen(|p| p == Platform::Desktop) >= 5);
    assert!(seen(Platform::is_ios) >= 10);
    assert!(seen(Platform::is_android) >= 8);
    assert!(seen(|p| matches!(p, Platform::IosInApp | Platform::AndroidInApp)) >= 7);
}

#[test]
fn android_chrome_edge_and_samsung_need_a_click_ios_and_firefox_do_not() {
    for platform in [
        Platform::AndroidChrome,
        Platform::AndroidEdge,
        Platform::AndroidSamsung,
    ] {
        assert!(platform.launch_needs_click(), "{platform:?}");
    }
    for platform in [
        Platform::IosSafari,
        Platform::IosChrome,
        Platform::IosFirefox,
        Platform::AndroidFirefox,
        Platform::AndroidOpera,
        Platform::Desktop,
    ] {
        assert!(!platform.launch_needs_click(), "{platform:?}");
    }
}

#[test]
fn ios_chrome_returns_over_http_too_and_without_a_return_url_the_link_says_null() {
    assert_eq!(
        bankid_link(
            "t",
            Platform::IosChrome,
            Some("http://127.0.0.1:8080/login")
        ),
        "https://app.bankid.com/?autostarttoken=t&redirect=googlechrome%3A%2F%2F127.0.0.1%3A8080%2Flogin"
    );
    for platform in [
        Platform::IosSafari,
        Platform::IosChrome,
        Platform::IosFirefox,
    ] {
        assert_eq!(
            bankid_link("t", platform, None),
            "https://app.bankid.com/?autostarttoken=t&redirect=null"
        );
    }
}

#[test]
fn freja_returns_to_ios_browsers_that_have_a_scheme() {
    let base = "frejaeid://bindUserToTransaction?transactionReference=t";
    assert_eq!(freja_link_for("t", Platform::IosSafari).unwrap(), base);
    assert_eq!(freja_link_for("t", Platform::AndroidChrome).unwrap(), base);
    assert_eq!(
        freja_link_for("t", Platform::IosFirefox).unwrap(),
        format!("{base}&originAppScheme=firefox")
    );
    assert_eq!(freja_link_for("t", Platform::Desktop), None);
}
