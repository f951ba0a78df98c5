//! Requests whose URL is built once and sent many times: a session's status reads.
//!
//! A generated method formats its URL and reqwest parses it again on every call, which is a
//! quarter of the instructions of a status read. A session is read every second for as long as
//! it waits, always at the same URL, so [`Client::prepared_url`] builds it once from the
//! operation's path template in [`paths`](crate::paths) (generated from the spec, like the
//! methods), and [`Client::get_prepared`] sends it through the same hooks, and decodes the
//! answer the same way, as the generated method of that operation does. A [`UrlBase`] keeps
//! the base URL parsed, and a [`UrlTemplate`] an operation's URL up to its parameter, for a
//! caller that builds one URL per session.

use progenitor_client::{encode_path, ClientHooks, Error, OperationInfo, ResponseValue};
use serde::de::DeserializeOwned;

use crate::Client;

impl Client {
    /// The URL of an operation whose path template (one of [`paths`](crate::paths)) has one
    /// parameter, set to `value` and percent-encoded as the generated methods encode it;
    /// `None` when the template has no parameter or the result is not a URL.
    ///
    /// It parses the base URL each time: to build many, keep a [`UrlBase`].
    pub fn prepared_url(&self, template: &str, value: &str) -> Option<reqwest::Url> {
        UrlBase::new(&self.baseurl).url(template, value)
    }

    /// The base URL this client puts before every operation's path, verbatim.
    pub fn base_text(&self) -> &str {
        &self.baseurl
    }

    /// A `GET` of `url` (from [`prepared_url`](Self::prepared_url)) as the generated method
    /// of `operation_id` sends it: the same `Accept` header, the same hooks (the
    /// `idkollen.request` span) and the same answer, a decoded `T` or the same errors.
    pub async fn get_prepared<T: DeserializeOwned>(
        &self,
        url: reqwest::Url,
        operation_id: &'static str,
    ) -> Result<ResponseValue<T>, Error<()>> {
        let mut request = self
            .client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            .build()?;
        let info = OperationInfo { operation_id };
        self.pre(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post(&result, &info).await?;
        let response = result?;
        match response.status().as_u16() {
            200..=299 => ResponseValue::from_response(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }
    }
}

/// A base URL parsed once, from which operations' URLs are built as the generated methods
/// build them (the base verbatim, then the path template with its parameter percent-encoded),
/// without parsing the whole URL again each time.
///
/// Parsing a URL from its text (scheme, host, IDNA) is most of the cost of building one: the
/// base is parsed here once, each operation's URL up to its parameter once in its
/// [`UrlTemplate`], and each value on its own. A base with a query or not in the form a parser
/// writes it, and an id with characters to encode, take the whole parse instead.
#[derive(Debug, Clone)]
pub struct UrlBase {
    text: String,
    /// The base parsed, and its path as written, when that path can be set directly.
    parsed: Option<(reqwest::Url, String)>,
}

impl UrlBase {
    /// The base URL `text`, as the generated client is given it.
    pub fn new(text: &str) -> Self {
        let parsed = reqwest::Url::parse(text).ok().and_then(|url| {
            if url.query().is_some() || url.fragment().is_some() {
                return None;
            }
            let serialized = url.as_str();
            let origin = &serialized[..serialized.len() - url.path().len()];
            // The path exactly as the text has it after the origin: the generated methods
            // append to the text, not to the parsed URL.
            let path = text.strip_prefix(origin)?;
            let written_as_parsed = path == url.path() || (path.is_empty() && url.path() == "/");
            (written_as_parsed && path.bytes().all(|b| b == b'/' || plain(b)))
                .then(|| (url.clone(), path.to_owned()))
        });
        Self {
            text: text.to_owned(),
            parsed,
        }
    }

    /// The URL of `template` (one parameter) with `value`, exactly as the generated method of
    /// that operation would send it; `None` when the template has no parameter or the result
    /// is not a URL.
    ///
    /// To build many URLs of one template, keep its [`UrlTemplate`].
    pub fn url(&self, template: &str, value: &str) -> Option<reqwest::Url> {
        self.template(template)?.url(value)
    }

    /// `template` (a path template with one parameter, one of [`paths`](crate::paths)) on this
    /// base, ready to take the parameter's values; `None` when the template has no parameter.
    pub fn template(&self, template: &str) -> Option<UrlTemplate> {
        let open = template.find('{')?;
        let close = open + template[open..].find('}')?;
        let (before, after) = (&template[..open], &template[close + 1..]);
        // The short way parses the URL up to the parameter once, and appends each value as
        // the path's last segment: so the parameter must be one.
        let last_segment = before.ends_with('/') && after.is_empty();
        let prefix = match &self.parsed {
            Some((base, path)) if last_segment && before.bytes().all(|b| b == b'/' || plain(b)) => {
                let mut url = base.clone();
                url.set_path(&format!("{path}{before}"));
                Some(url)
            }
            _ => None,
        };
        Some(UrlTemplate {
            before: format!("{}{before}", self.text),
            after: after.to_owned(),
            prefix,
        })
    }
}

/// An operation's URL on a [`UrlBase`], with its one parameter still to set: built once per
/// operation, then given each session's id.
///
/// When the base is in the form a parser writes it, the parameter is the path's last segment
/// and the value needs no encoding (an id of letters, digits, `-`, `.`, `_` and `~`, as every
/// id the service gives), the URL is the one up to the parameter, parsed once, with the value
/// appended as a segment: the same URL as the generated method's, with only the value parsed.
/// Anything else takes the generated method's way: the text formatted and parsed whole.
#[derive(Debug, Clone)]
pub struct UrlTemplate {
    /// The base text and the template up to the parameter.
    before: String,
    /// The template after the parameter.
    after: String,
    /// The URL up to the parameter, parsed, when the short way applies to the template.
    prefix: Option<reqwest::Url>,
}

impl UrlTemplate {
    /// The URL with the parameter set to `value`, exactly as the generated method would send
    /// it; `None` when the result is not a URL.
    pub fn url(&self, value: &str) -> Option<reqwest::Url> {
        // A value with a letter or digit can be no `.` or `..` segment, which a parser would
        // resolve (and a segment push skips); one of plain characters only needs no encoding.
        let value_plain =
            value.bytes().all(plain) && value.bytes().any(|b| b.is_ascii_alphanumeric());
        if let (Some(prefix), true) = (&self.prefix, value_plain) {
            let mut url = prefix.clone();
            url.path_segments_mut().ok()?.pop_if_empty().push(value);
            return Some(url);
        }
        let text = format!("{}{}{}", self.before, encode_path(value), self.after);
        reqwest::Url::parse(&text).ok()
    }
}

/// A byte that no part of a URL's path encodes or reads specially (RFC 3986's unreserved).
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated methods' way: the base verbatim, the encoded value, one whole parse.
    fn parsed_whole(base: &str, template: &str, value: &str) -> Option<reqwest::Url> {
        let open = template.find('{')?;
        let close = open + template[open..].find('}')?;
        let text = format!(
            "{base}{}{}{}",
            &template[..open],
            encode_path(value),
            &template[close + 1..]
        );
        reqwest::Url::parse(&text).ok()
    }

    #[test]
    fn every_url_is_the_one_the_generated_method_would_send() {
        let bases = [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "https://api.example.se/prefix",
            "https://api.example.se/prefix/",
            "https://API.Example.se:443/a//b",
            "http://h/a/./b",
            "http://h/a/%2e/b",
            "http://h/?q=1",
            "http://h/#f",
            "https://bücher.example/v",
        ];
        let templates = [
            crate::paths::bankid_se_get_auth_status,
            "/v3/x/{id}/collect",
            "/v3/x/{id}.pdf",
            "/v3/x/{id}",
        ];
        let values = [
            "cb2264cf-b7ff-40ce-abda-67aab7213684",
            "abc",
            "a.b~c_d",
            ".",
            "..",
            "...",
            "a b",
            "a/b",
            "a\\b",
            "a?b#c",
            "%2e",
            "é",
            "tab\there",
            "",
        ];
        for base in bases {
            let prepared = UrlBase::new(base);
            for template in templates {
                for value in values {
                    assert_eq!(
                        prepared.url(template, value),
                        parsed_whole(base, template, value),
                        "{base} {template} {value:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_normal_base_and_id_take_the_short_way() {
        let base = UrlBase::new("http://127.0.0.1:8080");
        assert!(base.parsed.is_some());
        assert!(UrlBase::new("http://h/?q=1").parsed.is_none());
        assert!(UrlBase::new("HTTP://H").parsed.is_none());
        assert_eq!(
            base.url("/v3/bankid-se/auth/{id}", "abc").unwrap().as_str(),
            "http://127.0.0.1:8080/v3/bankid-se/auth/abc"
        );
        // Every status read's template has its parameter as the last segment.
        let read = base
            .template(crate::paths::bankid_se_get_auth_status)
            .unwrap();
        assert!(read.prefix.is_some());
        assert!(base
            .template("/v3/x/{id}/collect")
            .unwrap()
            .prefix
            .is_none());
        assert!(base.template("/v3/x/no-parameter").is_none());
    }
}
