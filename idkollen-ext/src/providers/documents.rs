//! Documents to sign with Norwegian BankID (beta).

use bytes::Bytes;
use futures::TryStreamExt as _;
use idkollen_api::types::DocumentUploadResponse;
use reqwest::multipart::{Form, Part};

use crate::client::Client;
use crate::error::{Error, ValidationError};

/// Document operations. From [`Client::documents`].
#[derive(Clone, Debug)]
pub struct Documents {
    pub(crate) client: Client,
}

impl Documents {
    /// Uploads a PDF (`POST /v3/document`, multipart field `file`) and returns its id for
    /// [`BankIdNoSign::documents`](crate::BankIdNoSign::documents). Sent once, never retried.
    pub async fn upload(
        &self,
        file_name: impl Into<String>,
        pdf: impl Into<Bytes>,
    ) -> Result<DocumentUploadResponse, Error> {
        const OPERATION: &str = "document_upload";
        let pdf: Bytes = pdf.into();
        if pdf.is_empty() {
            return Err(ValidationError::new("file", "must not be empty").into());
        }
        let file_name = file_name.into();
        let part = Part::stream_with_length(pdf.clone(), pdf.len() as u64)
            .file_name(file_name)
            .mime_str("application/pdf")
            .map_err(|source| Error::Transport {
                operation: OPERATION,
                source,
            })?;
        let url = format!(
            "{}/v3/document",
            self.client.base_url().as_str().trim_end_matches('/')
        );
        let request = self
            .client
            .http()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(Form::new().part("file", part));
        let fut = async move {
            let response = request
                .send()
                .await
                .map_err(progenitor_client::Error::CommunicationError)?;
            let status = response.status().as_u16();
            match status {
                200..=299 => progenitor_client::ResponseValue::from_response(response).await,
                _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
            }
        };
        self.client.call(OPERATION, fut).await
    }

    /// Downloads a (signed) document by id (`GET /v3/document/{documentId}`).
    pub async fn download(&self, document_id: &str) -> Result<Bytes, Error> {
        const OPERATION: &str = "document_download";
        crate::validate::required("documentId", document_id)?;
        let stream = self
            .client
            .call(OPERATION, self.client.raw().document_download(document_id))
            .await?;
        let chunks: Vec<Bytes> =
            stream
                .into_inner()
                .try_collect()
                .await
                .map_err(|source| Error::Transport {
                    operation: OPERATION,
                    source,
                })?;
        Ok(chunks.concat().into())
    }
}
