//! The bare relay the load benchmark compares Parley with: a tokio-tungstenite server that
//! pairs connections in arrival order and forwards each text frame to the partner. Nothing
//! else: no JSON, no state, no storage. Its sockets read into buffers of the size Parley's use
//! ([`super::ws_config`]), so the comparison is like for like.

use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Mutex};
use tokio_tungstenite::tungstenite::Message;

/// The connection waiting for a partner: its inbox, and where to send it the partner's inbox.
type Waiting = Option<(mpsc::Sender<Message>, mpsc::Sender<mpsc::Sender<Message>>)>;

/// Runs the relay on `addr` until the process ends; prints `listening on http://ADDR`.
pub async fn serve(addr: &str) -> Result<(), String> {
    let listener = TcpListener::bind(addr).await.map_err(|e| e.to_string())?;
    println!("listening on http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // The first of each pair waits here with the sender its partner will write to.
    let waiting: Arc<Mutex<Waiting>> = Arc::new(Mutex::new(None));
    loop {
        let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let waiting = waiting.clone();
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async_with_config(tcp, Some(super::ws_config())).await else {
                return;
            };
            let (mut sink, mut stream) = ws.split();
            let (to_me, mut my_inbox) = mpsc::channel::<Message>(128);
            // Find the partner: either someone waits (we get their inbox), or we wait.
            let partner: mpsc::Sender<Message> = {
                let mut w = waiting.lock().await;
                match w.take() {
                    Some((their_inbox, give_mine)) => {
                        let _ = give_mine.send(to_me.clone()).await;
                        their_inbox
                    }
                    None => {
                        let (give_tx, mut give_rx) = mpsc::channel(1);
                        *w = Some((to_me.clone(), give_tx));
                        drop(w);
                        match give_rx.recv().await {
                            Some(p) => p,
                            None => return,
                        }
                    }
                }
            };
            let writer = tokio::spawn(async move {
                while let Some(m) = my_inbox.recv().await {
                    if sink.send(m).await.is_err() {
                        break;
                    }
                }
            });
            while let Some(Ok(m)) = stream.next().await {
                if m.is_text() && partner.send(m).await.is_err() {
                    break;
                }
            }
            writer.abort();
        });
    }
}
