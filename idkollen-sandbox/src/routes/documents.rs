//! `POST /v3/document` (multipart upload of a PDF) and `GET /v3/document/{documentId}` (the
//! signed PDF, once a signing that referenced it completed).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};

use super::{PathId, path_id};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};

use crate::documents::{Document, PDF_MAGIC, sha256_hex};
use crate::error::ApiError;
use crate::lifecycle;
use crate::state::{Shared, lock};

pub(super) async fn upload(
    State(shared): State<Arc<Shared>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut multipart =
        multipart.map_err(|e| ApiError::bad_request(format!("request body: {}", e.body_text())))?;
    let limit = shared.config.max_document_size;
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| ApiError::bad_request(format!("request body: {}", e.body_text())))?;
        let Some(mut field) = field else {
            break;
        };
        if field.name() != Some("file") {
            continue;
        }
        if file.is_some() {
            return Err(ApiError::bad_request(
                "file: send exactly one part named file",
            ));
        }
        let mut buf = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| ApiError::bad_request(format!("file: {}", e.body_text())))?
        {
            if buf.len() + chunk.len() > limit {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("file: larger than the limit of {limit} bytes"),
                ));
            }
            buf.extend_from_slice(&chunk);
        }
        file = Some(buf);
    }
    let file = file.ok_or_else(|| ApiError::bad_request("file: is required"))?;
    if !file.starts_with(PDF_MAGIC) {
        return Err(ApiError::bad_request(
            "file: not a PDF (it must start with %PDF-)",
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let hash = sha256_hex(&file);
    lock(&shared.documents).insert(
        id.clone(),
        Document {
            bytes: Bytes::from(file),
            signed: None,
        },
    );
    tracing::info!(%id, %hash, "document uploaded");
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "hash": hash }))))
}

pub(super) async fn download(
    State(shared): State<Arc<Shared>>,
    document_id: PathId,
) -> Result<Response, ApiError> {
    let document_id = path_id(document_id)?;
    lifecycle::publish_signed(&shared, &document_id);
    let documents = lock(&shared.documents);
    let doc = documents
        .get(&document_id)
        .ok_or_else(|| ApiError::not_found(format!("no document with id {document_id}")))?;
    let signed = doc.signed.clone().ok_or_else(|| {
        ApiError::not_found(format!(
            "document {document_id} has not been signed (yet): no signing that references it has completed"
        ))
    })?;
    let mut response = signed.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    Ok(response)
}
