//! Documents kept whole, against idkollen-sandbox under Tokio's paused clock: streaming
//! uploads (bytes, file, reader), refusals before anything is sent, downloads that outlast the
//! whole-request timeout but not a stall (on the real clock), and signed documents verified
//! against the completion.

mod support;

use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::Method;
use bytes::Bytes;
use futures::StreamExt as _;
use idkollen_ext::types::BankIdNoCompleted;
use idkollen_ext::{Client, DocumentProblem, Error, Poller};
use idkollen_sandbox::{Fault, Sandbox, Timings};
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncRead, ReadBuf};

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .timings(Timings::fast())
        .start()
        .await
        .expect("sandbox starts")
}

fn client(sb: &Sandbox, timeout: Duration) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .timeout(timeout)
        .build()
        .expect("client")
}

/// A PDF of at least `size` bytes.
fn pdf(size: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut i = 0u64;
    while out.len() + 6 < size {
        out.extend_from_slice(format!("%{i:x}\n").as_bytes());
        i += 1;
    }
    out.extend_from_slice(b"%%EOF\n");
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn uploads(sb: &Sandbox) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v3/document")
        .count()
}

fn downloads(sb: &Sandbox) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v3/document/"))
        .count()
}

/// A file under the system's temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("idkollen-documents-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A reader that hands out at most `step` bytes per read, yielding between reads.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
    ready: bool,
}

impl Trickle {
    fn new(data: Vec<u8>, step: usize) -> Trickle {
        Trickle {
            data,
            at: 0,
            step,
            ready: false,
        }
    }
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        let end = (self.at + self.step)
            .min(self.data.len())
            .min(self.at + buf.remaining());
        buf.put_slice(&self.data[self.at..end]);
        self.at = end;
        Poll::Ready(Ok(()))
    }
}

/// Uploads, signs and waits: the completion and the original bytes.
async fn signed(c: &Client, original: Vec<u8>) -> (String, BankIdNoCompleted) {
    let uploaded = c
        .documents()
        .upload("contract.pdf", original)
        .await
        .unwrap();
    let session = c
        .bankid_no()
        .sign()
        .documents([uploaded.id.clone()])
        .send()
        .await
        .unwrap();
    (uploaded.id, session.wait().await.unwrap().into_inner())
}

#[tokio::test(start_paused = true)]
async fn uploads_stream_from_a_file_and_from_a_reader() {
    let sb = sandbox().await;
    let c = client(&sb, Duration::from_secs(30));

    // A 3 MiB file, streamed from disk under its own name.
    let original = pdf(3 * 1024 * 1024);
    let file = TempFile::new("contract.pdf", &original);
    let up = c.documents().upload_file(&file.0).await.unwrap();
    assert_eq!(up.size, original.len() as u64);
    assert_eq!(up.sha256, sha256_hex(&original));
    // The sandbox answers the lowercase hex SHA-256 of what it received.
    assert_eq!(up.hash, up.sha256);

    // A reader that trickles a few bytes at a time, the magic included: no length known,
    // so the part goes out chunked.
    let original = pdf(200 * 1024);
    let up = c
        .documents()
        .upload_reader("trickled.pdf", Trickle::new(original.clone(), 3))
        .await
        .unwrap();
    assert_eq!(up.size, original.len() as u64);
    assert_eq!(up.sha256, sha256_hex(&original));
    assert_eq!(up.hash, up.sha256);

    // From memory: the same path.
    let original = pdf(100);
    let up = c
        .documents()
        .upload("a.pdf", original.clone())
        .await
        .unwrap();
    assert_eq!(up.sha256, sha256_hex(&original));
    assert_eq!(up.hash, up.sha256);

    // The reader's document signs and downloads whole.
    let session = c
        .bankid_no()
        .sign()
        .documents([up.id.clone()])
        .send()
        .await
        .unwrap();
    let done = session.wait().await.unwrap();
    c.documents().check_signed(&done, [&up.id]).unwrap();
    let bytes = c
        .documents()
        .download_signed(&done, &up.id)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(&original));
    assert_eq!(sha256_hex(&bytes), done.signed_documents[0].hash);
    assert_eq!(uploads(&sb), 3);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn what_is_not_a_pdf_is_refused_before_sending() {
    let sb = sandbox().await;
    let c = client(&sb, Duration::from_secs(30));
    let docs = c.documents();

    let refused = |result: Result<idkollen_ext::documents::UploadedDocument, Error>| {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err:?}");
        assert_eq!(err.field(), Some("file"));
        err.to_string()
    };
    let empty = refused(docs.upload("a.pdf", Vec::<u8>::new()).await);
    assert!(empty.contains("empty"), "{empty}");
    let not_pdf = refused(docs.upload("a.pdf", &b"GIF89a not a pdf"[..]).await);
    assert!(not_pdf.contains("%PDF-"), "{not_pdf}");
    refused(docs.upload("a.pdf", &b"%PDF"[..]).await);
    refused(docs.upload("a.pdf", &b" %PDF-1.4"[..]).await);
    refused(
        docs.upload_reader("a.pdf", Trickle::new(b"PK\x03\x04zip".to_vec(), 1))
            .await,
    );
    refused(
        docs.upload_reader("a.pdf", Trickle::new(Vec::new(), 1))
            .await,
    );
    let empty_file = TempFile::new("empty.pdf", b"");
    refused(docs.upload_file(&empty_file.0).await);
    let text_file = TempFile::new("notes.pdf", b"just some notes\n");
    refused(docs.upload_file(&text_file.0).await);

    // A file that cannot be opened is an I/O error, also before sending.
    let missing = std::env::temp_dir().join("idkollen-documents-does-not-exist.pdf");
    let err = docs.upload_file(&missing).await.unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");

    assert_eq!(uploads(&sb), 0, "{:?}", sb.requests());
    sb.shutdown().await;
}

/// A sandbox, a client with `timeout`, and a signed document of at least `size` bytes: its id,
/// the completion, and its bytes as one quick download gives them.
async fn signed_download(
    timeout: Duration,
    size: usize,
) -> (Sandbox, Client, String, BankIdNoCompleted, Bytes) {
    let sb = sandbox().await;
    let c = client(&sb, timeout);
    let (id, done) = signed(&c, pdf(size)).await;
    let whole = c.documents().download(&id).await.unwrap();
    (sb, c, id, done, whole)
}

// On the real clock, with short durations: under the paused clock, Tokio auto-advances to the
// next timer (here the download's wait for bytes) in the same park that finds the socket
// readable, so a body arriving piece by piece would time out on virtual time it never waited.
#[tokio::test]
async fn a_slow_download_outlasts_the_whole_request_timeout() {
    let timeout = Duration::from_secs(2);
    let (sb, c, id, done, whole) = signed_download(timeout, 64 * 1024).await;

    // 4 KiB every 250 ms: over 4 s for the whole body, never 2 s without bytes.
    sb.inject(Fault::slow_body(4 * 1024, Duration::from_millis(250)).path_prefix("/v3/document/"));
    let started = tokio::time::Instant::now();
    let mut stream = c.documents().download_signed(&done, &id).await.unwrap();
    assert!(stream.is_verified());
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap_or_else(|e| {
            panic!(
                "after {chunks} chunks ({} bytes) and {:?}: {e:?}",
                received.len(),
                started.elapsed()
            )
        });
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(started.elapsed() > 2 * timeout, "{:?}", started.elapsed());
    assert!(chunks >= 16, "{chunks} chunks");
    assert_eq!(received, whole);

    // Into a writer, slowly.
    sb.inject(Fault::slow_body(8 * 1024, Duration::from_millis(250)).path_prefix("/v3/document/"));
    let started = tokio::time::Instant::now();
    let mut sink = Vec::new();
    let written = c.documents().download_to(&id, &mut sink).await.unwrap();
    assert!(started.elapsed() > timeout, "{:?}", started.elapsed());
    assert_eq!(written, whole.len() as u64);
    assert_eq!(sink, whole);

    // A body that stalls longer than the timeout is cut off: it bounds each wait for bytes.
    sb.inject(Fault::slow_body(32 * 1024, Duration::from_secs(3)).path_prefix("/v3/document/"));
    let err = c.documents().download(&id).await.unwrap_err();
    assert_stalled(&err, timeout);

    // So is an answer whose headers do not come within the timeout.
    sb.inject(Fault::delay(Duration::from_secs(3)).path_prefix("/v3/document/"));
    let err = c.documents().download(&id).await.unwrap_err();
    assert_stalled(&err, timeout);
    sb.shutdown().await;
}

// On the real clock, for the reason above.
#[tokio::test]
async fn a_slow_consumer_is_not_taken_for_a_stalled_download() {
    let (sb, c, id, done, whole) = signed_download(Duration::from_secs(1), 12 * 1024).await;

    // A piece every 1.5 s, and a consumer that spends 1 s before asking for each: 1.5 s from
    // the headers or one piece to the next, more than the timeout, but the stream itself only
    // ever waits 0.5 s.
    sb.inject(Fault::slow_body(4 * 1024, Duration::from_millis(1500)).path_prefix("/v3/document/"));
    let mut stream = c.documents().download_signed(&done, &id).await.unwrap();
    let mut received = Vec::new();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Some(chunk) = stream.next().await else {
            break;
        };
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, whole);
    sb.shutdown().await;
}

fn assert_stalled(err: &Error, timeout: Duration) {
    match err {
        Error::Stalled {
            operation, waited, ..
        } => {
            assert_eq!(*operation, "document_download");
            assert_eq!(*waited, timeout);
            assert!(err.is_retryable());
        }
        other => panic!("expected a stalled download, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_signed_document_that_does_not_match_its_hash_is_an_error() {
    let sb = sandbox().await;
    let c = client(&sb, Duration::from_secs(30));
    let (id, done) = signed(&c, pdf(10_000)).await;
    let expected = done.signed_documents[0].hash.clone();

    // A body corrupted on the way.
    sb.inject(Fault::corrupt_body().path_prefix("/v3/document/"));
    let err = c
        .documents()
        .download_signed(&done, &id)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap_err();
    match err {
        Error::DocumentMismatch {
            id: got,
            problem:
                DocumentProblem::HashMismatch {
                    expected: e,
                    actual,
                },
        } => {
            assert_eq!(got, id);
            assert_eq!(e, expected);
            assert_ne!(actual, expected);
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    // Into a writer: the same error, after the bytes.
    sb.inject(Fault::corrupt_body().path_prefix("/v3/document/"));
    let mut sink = Vec::new();
    let err = c
        .documents()
        .download_signed(&done, &id)
        .await
        .unwrap()
        .write_to(&mut sink)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::DocumentMismatch {
                problem: DocumentProblem::HashMismatch { .. },
                ..
            }
        ),
        "{err:?}"
    );
    // As a stream: the mismatch is the last item.
    sb.inject(Fault::corrupt_body().path_prefix("/v3/document/"));
    let items: Vec<_> = c
        .documents()
        .download_signed(&done, &id)
        .await
        .unwrap()
        .collect()
        .await;
    assert!(items[..items.len() - 1].iter().all(Result::is_ok));
    assert!(matches!(
        items.last(),
        Some(Err(Error::DocumentMismatch { .. }))
    ));

    // The same bytes against a completion with a wrong hash (upper case hex of another
    // digest), and against the right hash in other encodings.
    let body = c.documents().download(&id).await.unwrap();
    let mut tampered = done.clone();
    tampered.signed_documents[0].hash = sha256_hex(b"something else").to_uppercase();
    let err = c
        .documents()
        .download_signed(&tampered, &id)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::DocumentMismatch {
                problem: DocumentProblem::HashMismatch { .. },
                ..
            }
        ),
        "{err:?}"
    );
    use base64::Engine as _;
    for hash in [
        expected.to_uppercase(),
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&body)),
    ] {
        let mut other = done.clone();
        other.signed_documents[0].hash = hash;
        let bytes = c
            .documents()
            .download_signed(&other, &id)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(bytes, body);
    }

    // Refused before sending: an id the completion does not list, a hash that cannot be read.
    let before = downloads(&sb);
    let err = c
        .documents()
        .download_signed(&done, "some-other-document")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::DocumentMismatch {
                problem: DocumentProblem::NotInCompletion,
                ..
            }
        ),
        "{err:?}"
    );
    let mut unreadable = done.clone();
    unreadable.signed_documents[0].hash = "sha1:a9993e364706816aba3e25717850c26c9cd0d89d".into();
    let err = c
        .documents()
        .download_signed(&unreadable, &id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::DocumentMismatch {
                problem: DocumentProblem::UnreadableHash { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(downloads(&sb), before);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_completion_must_list_exactly_the_documents_sent() {
    let sb = sandbox().await;
    let c = client(&sb, Duration::from_secs(30));
    let docs = c.documents();
    let (id, done) = signed(&c, pdf(1_000)).await;
    docs.check_signed(&done, [&id]).unwrap();
    docs.check_signed(&done, vec![id.clone(), id.clone()])
        .unwrap();

    let problem = |result: Result<(), Error>| match result.unwrap_err() {
        Error::DocumentMismatch { id, problem } => (id, problem),
        other => panic!("expected a document mismatch, got {other:?}"),
    };
    assert_eq!(
        problem(docs.check_signed(&done, [id.as_str(), "never-signed"])),
        ("never-signed".to_owned(), DocumentProblem::NotInCompletion)
    );
    assert_eq!(
        problem(docs.check_signed(&done, Vec::<String>::new())),
        (id.clone(), DocumentProblem::NotRequested)
    );
    let mut twice = done.clone();
    twice
        .signed_documents
        .push(done.signed_documents[0].clone());
    assert_eq!(
        problem(docs.check_signed(&twice, [&id])),
        (id.clone(), DocumentProblem::Duplicate)
    );
    let mut unreadable = done.clone();
    unreadable.signed_documents[0].hash = "n/a".into();
    assert_eq!(
        problem(docs.check_signed(&unreadable, [&id])),
        (
            id.clone(),
            DocumentProblem::UnreadableHash { hash: "n/a".into() }
        )
    );
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_upload_answered_with_another_hash_is_an_error() {
    let mock = support::Mock::start().await;
    let c = mock.client();
    let original = pdf(500);
    let wrong = sha256_hex(b"not what was sent");
    mock.on(
        Method::POST,
        "/v3/document",
        [
            support::json(201, serde_json::json!({"id": "d1", "hash": wrong})),
            // Not a SHA-256 digest: cannot be compared, so not refused.
            support::json(201, serde_json::json!({"id": "d2", "hash": "opaque"})),
            support::json(
                201,
                serde_json::json!({"id": "d3", "hash": sha256_hex(&original).to_uppercase()}),
            ),
        ],
    );
    let err = c
        .documents()
        .upload("a.pdf", original.clone())
        .await
        .unwrap_err();
    match err {
        Error::DocumentMismatch {
            id,
            problem: DocumentProblem::HashMismatch { expected, actual },
        } => {
            assert_eq!(id, "d1");
            assert_eq!(expected, wrong);
            assert_eq!(actual, sha256_hex(&original));
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    let up = c
        .documents()
        .upload("a.pdf", original.clone())
        .await
        .unwrap();
    assert_eq!((up.id.as_str(), up.hash.as_str()), ("d2", "opaque"));
    let up = c
        .documents()
        .upload("a.pdf", original.clone())
        .await
        .unwrap();
    assert_eq!(up.id, "d3");
    // Each upload was sent exactly once.
    assert_eq!(mock.count(&Method::POST, "/v3/document"), 3);
}
