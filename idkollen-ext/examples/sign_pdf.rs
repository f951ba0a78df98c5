//! Uploads a PDF, has it signed with Norwegian BankID, and downloads the signed document.
//!
//! ```sh
//! cargo run -p idkollen-ext --example sign_pdf [-- contract.pdf]
//! ```

#[path = "common/mod.rs"]
mod common;

/// A minimal valid PDF, used when no file is given.
const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pdf = match std::env::args().nth(1) {
        Some(path) => std::fs::read(path)?,
        None => SAMPLE_PDF.to_vec(),
    };
    let (client, sandbox) = common::connect().await?;
    let document = client.documents().upload("contract.pdf", pdf).await?;
    println!("Uploaded document {} (hash {})", document.id, document.hash);

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
    for doc in &signed.signed_documents {
        let bytes = client.documents().download(&doc.id).await?;
        println!(
            "Signed by {}: document {} ({} bytes, hash {})",
            signed.name,
            doc.id,
            bytes.len(),
            doc.hash
        );
    }
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
