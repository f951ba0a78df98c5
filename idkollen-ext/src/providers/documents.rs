//! Documents to sign with Norwegian BankID (beta), kept whole from upload to signed download.
//!
//! * Uploads stream from bytes, a file or any [`AsyncRead`]: the PDF is never held in memory
//!   whole, what is not a PDF (no `%PDF-` at the start, or nothing at all) is refused before
//!   anything is sent, and the SHA-256 of the bytes is computed as they go out.
//! * Downloads are a [`DocumentDownload`] stream. They are not cut off by the client's
//!   whole-request timeout (a large PDF on a slow line may take longer than any status read);
//!   the timeout bounds each wait for the next bytes instead.
//! * A completed signing is checked against what was sent ([`Documents::check_signed`](Documents::check_signed)), and
//!   a signed document is verified against the hash the completion gave for it as it
//!   downloads ([`Documents::download_signed`](Documents::download_signed)). A mismatch is
//!   [`Error::DocumentMismatch`].

use std::fmt;
use std::future::Future as _;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures::{Stream, StreamExt as _, TryStreamExt as _};
use idkollen_api::types::{BankIdNoCompleted, DocumentUploadResponse};
use progenitor_client::ResponseValue;
use reqwest::multipart::{Form, Part};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio_util::io::ReaderStream;

use crate::client::Client;
use crate::error::{DocumentProblem, Error, Service, ValidationError};

/// The bytes every PDF starts with.
const PDF_MAGIC: &[u8] = b"%PDF-";

const UPLOAD: &str = "document_upload";
const DOWNLOAD: &str = "document_download";

/// How much of an upload is read at a time.
const CHUNK: usize = 64 * 1024;

/// The per-request "whole-request" timeout of a download: long enough never to matter. The
/// client's own timeout bounds each wait of the download instead (see [`Stall`]).
const NO_TOTAL_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Document operations. From [`Client::documents`].
///
/// ```no_run
/// # async fn run(client: idkollen_ext::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use idkollen_ext::Poller;
///
/// let document = client.documents().upload_file("contract.pdf").await?;
/// let session = client.bankid_no().sign().documents([document.id.clone()]).send().await?;
/// let completion = session.wait().await?;
/// // Exactly the documents sent were signed...
/// client.documents().check_signed(&completion, [&document.id])?;
/// // ...and each signed PDF is verified against its hash as it downloads.
/// let mut file = tokio::fs::File::create("contract-signed.pdf").await?;
/// client
///     .documents()
///     .download_signed(&completion, &document.id)
///     .await?
///     .write_to(&mut file)
///     .await?;
/// # Ok(()) }
/// ```
///
/// # Hashes
///
/// The API describes both `hash` fields only as "SHA hash of the …" (the signed PDF in
/// `signedDocuments`, the uploaded document in the upload's answer); the published reference
/// gives them as bare strings, without algorithm or encoding. The sandbox that stands in for
/// the service (`idkollen-sandbox`) sends the lowercase hex SHA-256 of the exact bytes. This
/// crate therefore reads a hash tolerantly: hex in either case, or base64 (standard or URL
/// alphabet, padded or not), and takes the algorithm from the digest's length: 32 bytes
/// SHA-256, 48 SHA-384, 64 SHA-512. Anything else cannot be verified and is reported as
/// [`DocumentProblem::UnreadableHash`] rather than skipped. An upload's answer is compared
/// only when its hash reads as a SHA-256 (the one digest computed while uploading); otherwise
/// it is kept as given. Computed hashes are given as lowercase hex.
#[derive(Clone, Debug)]
pub struct Documents {
    pub(crate) client: Client,
}

/// What an upload sent and what IDkollen answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedDocument {
    /// The document id: pass it to [`bankid_no::Sign::documents`](crate::bankid_no::Sign::documents).
    pub id: String,
    /// The hash IDkollen answered, exactly as sent.
    pub hash: String,
    /// The SHA-256 of the bytes this client sent, lowercase hex.
    pub sha256: String,
    /// How many bytes were sent.
    pub size: u64,
}

impl Documents {
    /// Uploads a PDF held in memory (`POST /v3/document`, multipart field `file`). Sent once,
    /// never retried. The same as [`upload_reader`](Self::upload_reader) over the bytes.
    pub async fn upload(
        &self,
        file_name: impl Into<String>,
        pdf: impl Into<Bytes>,
    ) -> Result<UploadedDocument, Error> {
        let pdf: Bytes = pdf.into();
        let size = pdf.len() as u64;
        self.send_upload(file_name.into(), std::io::Cursor::new(pdf), Some(size))
            .await
    }

    /// Uploads the PDF at `path`, streamed from the file, under the file's name. Sent once,
    /// never retried.
    ///
    /// A file that cannot be opened is [`Error::Io`]; what is not a PDF is refused as in
    /// [`upload_reader`](Self::upload_reader).
    pub async fn upload_file(&self, path: impl AsRef<Path>) -> Result<UploadedDocument, Error> {
        let path = path.as_ref();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document.pdf".to_owned());
        let io = |source| Error::Io {
            operation: UPLOAD,
            source,
        };
        let file = tokio::fs::File::open(path).await.map_err(io)?;
        let size = file.metadata().await.map_err(io)?.len();
        self.send_upload(file_name, file, Some(size)).await
    }

    /// Uploads a PDF read from `reader` as it is sent, never held in memory whole. Sent once,
    /// never retried.
    ///
    /// The first bytes are read before anything is sent: an empty input, or one that does not
    /// start with `%PDF-`, is refused with [`Error::Validation`] naming the field `file`.
    /// A read error is [`Error::Io`] before sending, [`Error::Transport`] while sending.
    ///
    /// The answer's [`sha256`](UploadedDocument::sha256) is computed from the bytes as they
    /// go out; when IDkollen's `hash` is a SHA-256 (see [hashes](Documents#hashes))
    /// and differs from it, IDkollen did not receive what was sent:
    /// [`Error::DocumentMismatch`] with [`DocumentProblem::HashMismatch`].
    pub async fn upload_reader<R>(
        &self,
        file_name: impl Into<String>,
        reader: R,
    ) -> Result<UploadedDocument, Error>
    where
        R: AsyncRead + Send + 'static,
    {
        self.send_upload(file_name.into(), reader, None).await
    }

    /// The one upload path: peek at the start, then stream the whole, hashing it.
    async fn send_upload<R>(
        &self,
        file_name: String,
        reader: R,
        size: Option<u64>,
    ) -> Result<UploadedDocument, Error>
    where
        R: AsyncRead + Send + 'static,
    {
        let mut reader = Box::pin(reader);
        let head = read_head(&mut reader).await.map_err(|source| Error::Io {
            operation: UPLOAD,
            source,
        })?;
        if head.is_empty() {
            return Err(ValidationError::new("file", "must not be empty").into());
        }
        if !head.starts_with(PDF_MAGIC) {
            return Err(ValidationError::new("file", "not a PDF: it must start with %PDF-").into());
        }

        let hashing = Arc::new(Mutex::new((Sha256::new(), 0u64)));
        let tap = hashing.clone();
        let body = ReaderStream::with_capacity(std::io::Cursor::new(head).chain(reader), CHUNK)
            .map_ok(move |chunk: Bytes| {
                let mut h = tap.lock().unwrap_or_else(|e| e.into_inner());
                h.0.update(&chunk);
                h.1 += chunk.len() as u64;
                chunk
            });
        let body = reqwest::Body::wrap_stream(body);
        let part = match size {
            Some(size) => Part::stream_with_length(body, size),
            None => Part::stream(body),
        }
        .file_name(file_name)
        .mime_str("application/pdf")
        .map_err(|source| Error::Transport {
            service: Service::IdKollen,
            operation: UPLOAD,
            source,
        })?;
        let request = self
            .client
            .http()
            .post(self.url(UPLOAD, &["v3", "document"])?)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(Form::new().part("file", part));
        let fut = async move {
            let response = request
                .send()
                .await
                .map_err(progenitor_client::Error::CommunicationError)?;
            // Every non-success answer is read whole by `Error::from_response`, as for the
            // generated operations.
            match response.status().as_u16() {
                200..=299 => ResponseValue::<DocumentUploadResponse>::from_response(response).await,
                _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
            }
        };
        let answer = self.client.call(UPLOAD, fut).await?;

        let (hasher, sent) =
            std::mem::take(&mut *hashing.lock().unwrap_or_else(|e| e.into_inner()));
        let sha256 = hasher.finalize();
        if let Some(theirs) = decode_hash(&answer.hash)
            && theirs.len() == sha256.len()
            && theirs[..] != sha256[..]
        {
            return Err(Error::DocumentMismatch {
                id: answer.id,
                problem: DocumentProblem::HashMismatch {
                    expected: answer.hash,
                    actual: hex::encode(sha256),
                },
            });
        }
        Ok(UploadedDocument {
            id: answer.id,
            hash: answer.hash,
            sha256: hex::encode(sha256),
            size: sent,
        })
    }

    /// Downloads a document by id (`GET /v3/document/{documentId}`) into memory. For large
    /// documents prefer [`download_stream`](Self::download_stream) or
    /// [`download_to`](Self::download_to); for signed ones,
    /// [`download_signed`](Self::download_signed), which verifies them.
    pub async fn download(&self, document_id: &str) -> Result<Bytes, Error> {
        self.download_stream(document_id).await?.bytes().await
    }

    /// Downloads a document by id into `writer`; returns the number of bytes written. Not
    /// verified: see [`download_signed`](Self::download_signed).
    pub async fn download_to<W>(&self, document_id: &str, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        self.download_stream(document_id)
            .await?
            .write_to(writer)
            .await
    }

    /// Starts downloading a document by id: returns once the answer's headers are in, with
    /// the body as a stream. Not verified: see [`download_signed`](Self::download_signed).
    ///
    /// The client's whole-request timeout does not apply to a download; it bounds each wait
    /// for the answer and for the next bytes instead, so a large document on a slow line
    /// arrives whole.
    pub async fn download_stream(&self, document_id: &str) -> Result<DocumentDownload, Error> {
        crate::validate::required("documentId", document_id)?;
        let response = self.get(document_id).await?;
        Ok(DocumentDownload::new(
            document_id,
            response,
            self.client.timeout(),
            None,
        ))
    }

    /// Checks that a completed signing signed exactly the documents `sent` (the ids passed to
    /// [`bankid_no::Sign::documents`](crate::bankid_no::Sign::documents)): each listed once in its
    /// `signedDocuments`, none missing, none added, each with a hash that can be verified.
    ///
    /// The first document that breaks this is an [`Error::DocumentMismatch`]:
    /// [`NotInCompletion`](DocumentProblem::NotInCompletion),
    /// [`NotRequested`](DocumentProblem::NotRequested),
    /// [`Duplicate`](DocumentProblem::Duplicate) or
    /// [`UnreadableHash`](DocumentProblem::UnreadableHash).
    pub fn check_signed<I, S>(&self, completion: &BankIdNoCompleted, sent: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let sent: Vec<S> = sent.into_iter().collect();
        let sent: Vec<&str> = sent.iter().map(AsRef::as_ref).collect();
        let mismatch = |id: &str, problem| Error::DocumentMismatch {
            id: id.to_owned(),
            problem,
        };
        for (i, doc) in completion.signed_documents.iter().enumerate() {
            if completion.signed_documents[..i]
                .iter()
                .any(|d| d.id == doc.id)
            {
                return Err(mismatch(&doc.id, DocumentProblem::Duplicate));
            }
            if !sent.contains(&doc.id.as_str()) {
                return Err(mismatch(&doc.id, DocumentProblem::NotRequested));
            }
            if Hasher::for_hash(&doc.hash).is_none() {
                return Err(mismatch(
                    &doc.id,
                    DocumentProblem::UnreadableHash {
                        hash: doc.hash.clone(),
                    },
                ));
            }
        }
        if let Some(missing) = sent
            .iter()
            .find(|id| !completion.signed_documents.iter().any(|d| d.id == **id))
        {
            return Err(mismatch(missing, DocumentProblem::NotInCompletion));
        }
        Ok(())
    }

    /// Starts downloading the signed document `document_id` of a completed signing, verified
    /// against the hash the completion gave for it as the bytes arrive: after the last bytes,
    /// a stream whose hash differs ends with [`Error::DocumentMismatch`]
    /// ([`HashMismatch`](DocumentProblem::HashMismatch)) instead of ending. So
    /// [`DocumentDownload::bytes`] never returns bytes that do not match, and
    /// [`DocumentDownload::write_to`] returns that error after writing them (discard what it
    /// wrote).
    ///
    /// Refused before sending when the completion does not list the document
    /// ([`NotInCompletion`](DocumentProblem::NotInCompletion)) or its hash cannot be read
    /// ([`UnreadableHash`](DocumentProblem::UnreadableHash); see [hashes](Documents#hashes)).
    pub async fn download_signed(
        &self,
        completion: &BankIdNoCompleted,
        document_id: &str,
    ) -> Result<DocumentDownload, Error> {
        crate::validate::required("documentId", document_id)?;
        let mismatch = |problem| Error::DocumentMismatch {
            id: document_id.to_owned(),
            problem,
        };
        let signed = completion
            .signed_documents
            .iter()
            .find(|d| d.id == document_id)
            .ok_or_else(|| mismatch(DocumentProblem::NotInCompletion))?;
        let (hasher, expected) = Hasher::for_hash(&signed.hash).ok_or_else(|| {
            mismatch(DocumentProblem::UnreadableHash {
                hash: signed.hash.clone(),
            })
        })?;
        let response = self.get(document_id).await?;
        Ok(DocumentDownload::new(
            document_id,
            response,
            self.client.timeout(),
            Some(Verify {
                hasher,
                expected,
                given: signed.hash.clone(),
            }),
        ))
    }

    /// `GET /v3/document/{id}` up to the headers, without the whole-request timeout: the
    /// client's timeout bounds the wait for them (and then each wait for bytes, in
    /// [`DocumentDownload`]).
    async fn get(&self, document_id: &str) -> Result<reqwest::Response, Error> {
        let request = self
            .client
            .http()
            .get(self.url(DOWNLOAD, &["v3", "document", document_id])?)
            .header(reqwest::header::ACCEPT, "application/pdf, application/json")
            .timeout(NO_TOTAL_TIMEOUT);
        let fut = async move {
            let response = request
                .send()
                .await
                .map_err(progenitor_client::Error::CommunicationError)?;
            let status = response.status();
            match status.as_u16() {
                200..=299 => {
                    let headers = response.headers().clone();
                    Ok(ResponseValue::new(response, status, headers))
                }
                _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
            }
        };
        let answer = match self.client.timeout() {
            Some(limit) => self
                .client
                .in_flight(tokio::time::timeout(limit, fut))
                .await
                .map_err(|_| Stall::error(limit))?,
            None => self.client.in_flight(fut).await,
        };
        self.client
            .answer_tolerant(DOWNLOAD, answer, |response| response, |_| None)
            .await
    }

    /// The base URL with these path segments appended (each percent-encoded).
    fn url(&self, operation: &'static str, segments: &[&str]) -> Result<url::Url, Error> {
        let mut url = self.client.base_url().clone();
        url.path_segments_mut()
            .map_err(|()| Error::Request {
                operation,
                message: "the base URL cannot take a path".into(),
            })?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }
}

/// Reads up to `PDF_MAGIC.len()` bytes: fewer only at the end of the input.
async fn read_head<R: AsyncRead + ?Sized>(reader: &mut Pin<Box<R>>) -> std::io::Result<Vec<u8>> {
    let mut head = vec![0; PDF_MAGIC.len()];
    let mut filled = 0;
    while filled < head.len() {
        match reader.as_mut().read(&mut head[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    head.truncate(filled);
    Ok(head)
}

/// A document's bytes as they arrive: a [`Stream`] of [`Bytes`] chunks, from
/// [`Documents::download_stream`] or, verified, [`Documents::download_signed`](Documents::download_signed).
///
/// An error ends the stream. A verified download whose bytes do not match ends with
/// [`Error::DocumentMismatch`] after the last chunk.
#[must_use = "a download does nothing unless its stream is read"]
pub struct DocumentDownload {
    id: String,
    content_length: Option<u64>,
    verified: bool,
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    /// The bound on each wait for bytes, when the client has a timeout.
    stall: Option<Stall>,
    verify: Option<Verify>,
    done: bool,
}

/// The bound on a download's waits: the client's timeout, which a download applies to each
/// wait for bytes rather than to the whole transfer.
///
/// Only the time the stream waits counts: a wait starts when the stream is polled and has
/// nothing, not when the last bytes were handed out, so a slow consumer (a slow disk) is never
/// taken for a stalled server.
struct Stall {
    limit: Duration,
    /// Fires `limit` after the current wait began.
    timer: Pin<Box<tokio::time::Sleep>>,
    /// Whether a wait is under way (the timer runs for it).
    waiting: bool,
}

impl Stall {
    fn new(limit: Duration) -> Self {
        Self {
            limit,
            timer: Box::pin(tokio::time::sleep(limit)),
            waiting: false,
        }
    }

    /// The stream has nothing yet: whether the current wait (begun now if none was under way)
    /// has reached the limit; if not, the timer will wake the task when it does.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.waiting {
            self.waiting = true;
            let deadline = tokio::time::Instant::now() + self.limit;
            self.timer.as_mut().reset(deadline);
        }
        self.timer.as_mut().poll(cx).is_ready()
    }

    /// Bytes arrived: the wait is over.
    fn arrived(&mut self) {
        self.waiting = false;
    }

    /// The error of a wait that reached `limit`.
    fn error(limit: Duration) -> Error {
        Error::Stalled {
            service: Service::IdKollen,
            operation: DOWNLOAD,
            waited: limit,
        }
    }
}

/// What a verified download checks at its end.
struct Verify {
    hasher: Hasher,
    expected: Vec<u8>,
    given: String,
}

impl fmt::Debug for DocumentDownload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentDownload")
            .field("id", &self.id)
            .field("content_length", &self.content_length)
            .field("verified", &self.verified)
            .finish_non_exhaustive()
    }
}

impl DocumentDownload {
    fn new(
        id: &str,
        response: reqwest::Response,
        limit: Option<Duration>,
        verify: Option<Verify>,
    ) -> Self {
        Self {
            id: id.to_owned(),
            content_length: response.content_length(),
            verified: verify.is_some(),
            body: Box::pin(response.bytes_stream()),
            stall: limit.map(Stall::new),
            verify,
            done: false,
        }
    }

    /// The document id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The length the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Whether the bytes are checked against the completed signing's hash (a download from
    /// [`Documents::download_signed`](Documents::download_signed)).
    pub fn is_verified(&self) -> bool {
        self.verified
    }

    /// Reads the whole document into memory.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let mut chunks = Vec::new();
        while let Some(chunk) = self.next().await {
            chunks.push(chunk?);
        }
        Ok(match chunks.len() {
            1 => chunks.swap_remove(0),
            _ => chunks.concat().into(),
        })
    }

    /// Writes the document into `writer` as it arrives, then flushes it; returns the number
    /// of bytes written. A write error is [`Error::Io`].
    ///
    /// On any error the writer may already hold part or (for a hash mismatch) all of the
    /// bytes: discard them.
    pub async fn write_to<W>(mut self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let io = |source| Error::Io {
            operation: DOWNLOAD,
            source,
        };
        let mut written = 0;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io)?;
        Ok(written)
    }
}

impl Stream for DocumentDownload {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match this.body.as_mut().poll_next(cx) {
            Poll::Pending => {
                let Some(stall) = &mut this.stall else {
                    return Poll::Pending;
                };
                if !stall.poll_expired(cx) {
                    return Poll::Pending;
                }
                this.done = true;
                Poll::Ready(Some(Err(Stall::error(stall.limit))))
            }
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(stall) = &mut this.stall {
                    stall.arrived();
                }
                if let Some(verify) = &mut this.verify {
                    verify.hasher.update(&chunk);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(source))) => {
                this.done = true;
                Poll::Ready(Some(Err(Error::Transport {
                    service: Service::IdKollen,
                    operation: DOWNLOAD,
                    source,
                })))
            }
            Poll::Ready(None) => {
                this.done = true;
                let Some(verify) = this.verify.take() else {
                    return Poll::Ready(None);
                };
                let actual = verify.hasher.finish();
                if actual == verify.expected {
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(Error::DocumentMismatch {
                    id: this.id.clone(),
                    problem: DocumentProblem::HashMismatch {
                        expected: verify.given,
                        actual: hex::encode(actual),
                    },
                })))
            }
        }
    }
}

/// A SHA-2 hasher of the length a given hash implies.
enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    /// The hasher for `hash` and its decoded digest, if it is a SHA-2 digest in hex or base64.
    fn for_hash(hash: &str) -> Option<(Hasher, Vec<u8>)> {
        let digest = decode_hash(hash)?;
        let hasher = match digest.len() {
            32 => Hasher::Sha256(Sha256::new()),
            48 => Hasher::Sha384(Sha384::new()),
            64 => Hasher::Sha512(Sha512::new()),
            _ => return None,
        };
        Some((hasher, digest))
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Decodes a hash given as hex (either case) or base64 (standard or URL alphabet, padded or
/// not) into a digest of a SHA-2 length (32, 48 or 64 bytes). Hex is tried first: a string
/// that is both is hex unless that gives no SHA-2 length.
fn decode_hash(hash: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let hash = hash.trim();
    let sha2_length = |digest: &Vec<u8>| matches!(digest.len(), 32 | 48 | 64);
    if let Ok(digest) = hex::decode(hash)
        && sha2_length(&digest)
    {
        return Some(digest);
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(hash).ok().filter(sha2_length))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn hashes_are_read_as_hex_or_base64() {
        let digest = hex::decode(ABC_SHA256).unwrap();
        let std = base64::engine::general_purpose::STANDARD.encode(&digest);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest);
        for given in [
            ABC_SHA256.to_owned(),
            ABC_SHA256.to_uppercase(),
            format!(" {ABC_SHA256}\n"),
            std.clone(),
            std.trim_end_matches('=').to_owned(),
            url,
        ] {
            assert_eq!(decode_hash(&given).as_ref(), Some(&digest), "{given}");
        }
        let sha512 = Sha512::digest(b"abc");
        let (hasher, expected) = Hasher::for_hash(&hex::encode(sha512)).unwrap();
        assert!(matches!(hasher, Hasher::Sha512(_)));
        assert_eq!(expected, sha512.to_vec());
        let sha384 = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"abc"));
        assert!(matches!(
            Hasher::for_hash(&sha384),
            Some((Hasher::Sha384(_), _))
        ));
    }

    #[test]
    fn other_hashes_are_unreadable() {
        for given in [
            "",
            "sha256",
            "a9993e364706816aba3e25717850c26c9cd0d89d", // SHA-1 of "abc"
            &ABC_SHA256[..62],
            "not a hash",
        ] {
            assert!(Hasher::for_hash(given).is_none(), "{given}");
        }
    }

    #[test]
    fn a_hasher_hashes() {
        let (mut hasher, expected) = Hasher::for_hash(ABC_SHA256).unwrap();
        hasher.update(b"a");
        hasher.update(b"bc");
        assert_eq!(hasher.finish(), expected);
    }
}
