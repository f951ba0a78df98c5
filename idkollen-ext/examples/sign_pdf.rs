//! Uploads a PDF, has it signed with Norwegian BankID, and downloads the signed document.
//!
//! ```sh
//! cargo run -p idkollen-ext --example sign_pdf [-- contract.pdf]
//! ```

use idkollen_ext::Poller;

#[path = "common/mod.rs"]
mod common;

/// A minimal valid PDF, used when no file is given.
const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    // A file is streamed from disk, never held in memory whole; either way, what is not a PDF
    // is refused before anything is sent.
    let document = match std::env::args().nth(1) {
        Some(path) => client.documents().upload_file(path).await?,
        None => {
            client
                .documents()
                .upload("contract.pdf", SAMPLE_PDF)
                .await?
        }
    };
    println!(
        "Uploaded document {} ({} bytes, SHA-256 {})",
        document.id, document.size, document.sha256
    );

    let session = client
        .bankid_no()
        .sign()
        .documents([document.id.clone()])
        .redirect_url("https://shop.example/signed")
        .send()
        .await?;
    let url = session
        .handle()
        .url()
        .ok_or("a redirect flow answers with a url")?
        .to_owned();
    common::open_in_browser(&url, sandbox.as_ref()).await?;
    let signed = session.wait().await?;

    // Exactly the document sent was signed, and each signed PDF matches the completion's hash
    // (checked as it downloads; a mismatch is `Error::DocumentMismatch`).
    client.documents().check_signed(&signed, [&document.id])?;
    for doc in &signed.signed_documents {
        let path = std::env::temp_dir().join(format!("signed-{}.pdf", doc.id));
        let mut file = tokio::fs::File::create(&path).await?;
        let written = client
            .documents()
            .download_signed(&signed, &doc.id)
            .await?
            .write_to(&mut file)
            .await?;
        println!(
            "Signed by {}: document {} ({written} bytes, hash {}) saved to {}",
            signed.name,
            doc.id,
            doc.hash,
            path.display()
        );
    }
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
