//! A complete BankID SE login in the terminal: the animated QR code redrawn every second, the
//! message for the current state, and the verified identity at the end.
//!
//! ```sh
//! cargo run -p idkollen-ext --example login
//! ```
//!
//! With no `IDKOLLEN_*` variables set it starts the sandbox in this process, whose persona
//! completes the login after about ten seconds. With `IDKOLLEN_ACCOUNT_ID`,
//! `IDKOLLEN_SECRET_KEY` and `IDKOLLEN_ENV=staging` (or `IDKOLLEN_BASE_URL`) it talks to
//! IDkollen, and you scan the code with the BankID app. `LANG=sv_SE.UTF-8` shows the messages
//! in Swedish.

#[path = "common/mod.rs"]
mod common;

use std::io::IsTerminal as _;
use std::pin::pin;

use futures::StreamExt as _;
use idkollen_ext::launch::Platform;
use idkollen_ext::qr::QrImage;
use idkollen_ext::{HintCode, Language, MessageContext, Poller, SessionStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let language = match std::env::var("LANG") {
        Ok(lang) if lang.starts_with("sv") => Language::Swedish,
        _ => Language::English,
    };
    let target = match &sandbox {
        Some(_) => format!("the local sandbox at {}", client.base_url()),
        None => format!("IDkollen at {}", client.base_url()),
    };

    let session = client
        .bankid_se()
        .auth()
        .intent("Log in to the idkollen-rs example")
        .send()
        .await?;
    let qr = session
        .bankid_qr()
        .ok_or("the start answer carried no QR code")?;
    let link = session
        .launch_link(Platform::Desktop, None)
        .unwrap_or_default();

    let mut frames = pin!(qr.frames());
    let mut updates = pin!(session.updates());
    let mut hint: Option<HintCode> = None;
    let redraw = std::io::stdout().is_terminal();
    loop {
        tokio::select! {
            Some(frame) = frames.next() => {
                let image = QrImage::new(&frame.content)?;
                let message = match &hint {
                    Some(hint) => hint.pending_user_message(language, MessageContext::qr_code()),
                    None => HintCode::from("outstandingTransaction").pending_user_message(language, MessageContext::qr_code()),
                };
                if redraw {
                    // Clear the screen and draw the new frame where the old one was.
                    print!("\x1b[2J\x1b[H");
                }
                println!("BankID login against {target} (session {})", session.id());
                println!("{}", image.to_terminal());
                println!("{message}");
                println!("QR frame {} · open BankID on this computer: {link}\n", frame.elapsed);
            }
            update = updates.next() => match update {
                Some(Ok(SessionStatus::Pending { hint: new })) => hint = new,
                Some(Ok(SessionStatus::Completed(identity))) => {
                    println!("Verified: {} ({}), personnummer {}", identity.name, identity.given_name, identity.ssn);
                    if let Some(date) = identity.cert_start_date {
                        println!("BankID issued {date}");
                    }
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    let message = error.code().map(|code| code.user_message(language)).unwrap_or("The login did not complete.");
                    println!("{message} ({error})");
                    break;
                }
                None => break,
            },
        }
    }
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
