//! The hooks every request of the generated client goes through (progenitor's
//! `ClientHooks`), so that what concerns all operations lives in one place and knows the
//! operation id:
//!
//! - a `tracing` span `idkollen.request` per request, with the operation id, the HTTP method,
//!   and once the answer's headers are in, its status and the time it took;
//! - the removal of the `api-version` header that progenitor adds to every request: IDkollen
//!   documents no such header and its official clients send none.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use tracing::Instrument as _;

use crate::Client;

impl ClientHooks<()> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "idkollen.request",
            operation = info.operation_id,
            method = %request.method(),
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // Only when the span is recorded: a disabled span costs a status read nothing.
        let started = (!span.is_disabled()).then(std::time::Instant::now);
        let result = self
            .client()
            .execute(request)
            .instrument(span.clone())
            .await;
        if let Some(started) = started {
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &result {
                Ok(response) => span.record("status", response.status().as_u16()),
                Err(err) => span.record("status", err.status().map(|s| s.as_u16())),
            };
        }
        result
    }
}
