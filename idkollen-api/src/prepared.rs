//! Requests whose URL is built once and sent many times: a session's status reads.
//!
//! A generated method formats its URL and reqwest parses it again on every call, which is a
//! quarter of the instructions of a status read. A session is read every second for as long as
//! it waits, always at the same URL, so [`Client::prepared_url`] builds it once from the
//! operation's path template in [`paths`](crate::paths) (generated from the spec, like the
//! methods), and [`Client::get_prepared`] sends it through the same hooks, and decodes the
//! answer the same way, as the generated method of that operation does.

use progenitor_client::{encode_path, ClientHooks, Error, OperationInfo, ResponseValue};
use serde::de::DeserializeOwned;

use crate::Client;

impl Client {
    /// The URL of an operation whose path template (one of [`paths`](crate::paths)) has one
    /// parameter, set to `value` and percent-encoded as the generated methods encode it;
    /// `None` when the template has no parameter or the result is not a URL.
    pub fn prepared_url(&self, template: &str, value: &str) -> Option<reqwest::Url> {
        let open = template.find('{')?;
        let close = open + template[open..].find('}')?;
        let url = format!(
            "{}{}{}{}",
            self.baseurl,
            &template[..open],
            encode_path(value),
            &template[close + 1..]
        );
        reqwest::Url::parse(&url).ok()
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
