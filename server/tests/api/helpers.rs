//! Starts drem for a test and talks to its server functions like a browser would.

use app::domain::roles::Role;
use app::error::AppError;
use app::wire::{SessionUser, UserSummary};
use clap::Parser;
use drem_server::{config::Config, Application};
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use server_fn::ServerFn;

/// The first admin's password in every test server.
pub const ADMIN_PASSWORD: &str = "Race-Control-2026";
/// A password that passes every rule, for test users.
pub const PASSWORD: &str = "tail-light-purple-77";

/// A running drem with a fresh in-memory database and its own model folder.
pub struct TestApp {
    pub base_url: String,
    /// Where its model files are kept (removed with the app).
    pub models: std::sync::Arc<tempfile::TempDir>,
}

impl TestApp {
    /// How many files the model store holds now (uploads leave nothing behind).
    pub fn model_files(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| {
                            let path = e.path();
                            if path.is_dir() {
                                count(&path)
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        count(self.models.path())
    }
}

fn test_config(models: &std::path::Path, extra: &[&str]) -> Config {
    let store = format!("file://{}", models.display());
    let mut args = vec![
        "drem",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        "mem://",
        "--admin-password",
        ADMIN_PASSWORD,
        "--log",
        "warn",
    ];
    // The test's own folder, unless the test names another store.
    if !extra.contains(&"--model-store") {
        args.extend(["--model-store", &store]);
    }
    args.extend_from_slice(extra);
    Config::parse_from(args)
}

fn model_dir() -> std::sync::Arc<tempfile::TempDir> {
    std::sync::Arc::new(tempfile::tempdir().expect("a temporary folder"))
}

/// An in-memory database, as drem opens it (for tests that also look inside).
pub async fn open_db() -> app::ssr::storage::Db {
    app::ssr::storage::open(&app::ssr::storage::DbConfig {
        url: "mem://".into(),
        credentials: None,
    })
    .await
    .expect("database opens")
}

/// Starts drem on `db` with extra flags.
pub async fn spawn_on(db: app::ssr::storage::Db, extra: &[&str]) -> TestApp {
    // Server-side errors show in the output of a failing test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("error")
        .with_test_writer()
        .try_init();
    let models = model_dir();
    let app = Application::build_on(test_config(models.path(), extra), db)
        .await
        .expect("drem starts");
    let base_url = format!("http://{}", app.address());
    tokio::spawn(app.run());
    TestApp { base_url, models }
}

/// Two drem servers on one in-memory database, as two machines would share one
/// SurrealDB server: each with its own hub, both following the database's changes.
pub async fn spawn_pair() -> (TestApp, TestApp) {
    let db = open_db().await;
    (spawn_on(db.clone(), &[]).await, spawn_on(db, &[]).await)
}

/// Starts drem on a free loopback port with an empty in-memory database.
pub async fn spawn_app() -> TestApp {
    spawn_on(open_db().await, &[]).await
}

/// A failed call: the HTTP status and the error the server sent.
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub error: AppError,
}

/// One browser: its own cookie jar (shared by its clones).
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base_url: String,
}

impl TestApp {
    /// A new browser with no session.
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client builds"),
            base_url: self.base_url.clone(),
        }
    }

    /// A browser signed in as the first admin.
    pub async fn admin(&self) -> Browser {
        let b = self.browser();
        b.sign_in("admin", ADMIN_PASSWORD)
            .await
            .expect("admin signs in");
        b
    }

    /// A browser signed in as a new user holding `role` (granted by the admin).
    /// Returns the browser and the username.
    pub async fn signed_in_as(&self, role: Role) -> (Browser, String) {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let username = format!("{}-{n}", role.as_str());
        let b = self.browser();
        let user = b.sign_up(&username).await.expect("sign-up works");
        if role != Role::Racer {
            let admin = self.admin().await;
            admin
                .call::<app::accounts::api::SetUserRole, ()>(&[
                    ("user", &user.id.0),
                    ("role", role.as_str()),
                    ("granted", "true"),
                ])
                .await
                .expect("admin grants the role");
        }
        (b, username)
    }
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Browser {
    /// Posts a form to the server function `F` and returns status and body.
    pub async fn post<F: ServerFn>(&self, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = self
            .client
            .post(format!("{}{}", self.base_url, F::PATH))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("server answers");
        let status = res.status();
        (status, res.text().await.unwrap_or_default())
    }

    /// Posts a JSON body to the server function `F` (those declared `input = Json`).
    pub async fn post_json<F: ServerFn>(&self, body: &serde_json::Value) -> (StatusCode, String) {
        let res = self
            .client
            .post(format!("{}{}", self.base_url, F::PATH))
            .header("Accept", "application/json")
            .json(body)
            .send()
            .await
            .expect("server answers");
        let status = res.status();
        (status, res.text().await.unwrap_or_default())
    }

    /// Calls the JSON server function `F` and decodes its answer.
    pub async fn call_json<F: ServerFn, T: DeserializeOwned>(
        &self,
        body: serde_json::Value,
    ) -> Result<T, Failure> {
        let (status, body) = self.post_json::<F>(&body).await;
        decode(status, body)
    }

    /// Calls the server function `F` and decodes its answer.
    pub async fn call<F: ServerFn, T: DeserializeOwned>(
        &self,
        form: &[(&str, &str)],
    ) -> Result<T, Failure> {
        let (status, body) = self.post::<F>(form).await;
        decode(status, body)
    }

    pub async fn sign_up(&self, username: &str) -> Result<SessionUser, Failure> {
        let email = format!("{username}@example.com");
        self.call::<app::auth::api::SignUp, _>(&[
            ("username", username),
            ("email", &email),
            ("country", "SE"),
            ("password", PASSWORD),
        ])
        .await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SessionUser, Failure> {
        self.call::<app::auth::api::SignIn, _>(&[("username", username), ("password", password)])
            .await
    }

    pub async fn current_user(&self) -> Option<SessionUser> {
        self.call::<app::auth::api::CurrentUser, _>(&[])
            .await
            .expect("current_user answers")
    }

    /// Admin: the user with this username.
    pub async fn find_user(&self, username: &str) -> UserSummary {
        let users: Vec<UserSummary> = self
            .call::<app::accounts::api::ListUsers, _>(&[("search", username)])
            .await
            .expect("admin lists users");
        users
            .into_iter()
            .find(|u| u.username == username)
            .unwrap_or_else(|| panic!("{username} not listed"))
    }
}

fn decode<T: DeserializeOwned>(status: StatusCode, body: String) -> Result<T, Failure> {
    if status.is_success() {
        Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("bad answer {body:?}: {e}")))
    } else {
        let error = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("bad error {status} {body:?}: {e}"));
        Err(Failure { status, error })
    }
}

/// Asserts a call failed on `field` with status 422.
pub fn assert_invalid<T: std::fmt::Debug>(res: Result<T, Failure>, field: &str) {
    let failure = res.expect_err("call should fail");
    assert_eq!(
        failure.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{failure:?}"
    );
    assert_eq!(failure.error.field(), Some(field), "{failure:?}");
}

/// A server-sent event stream as a page reads it (parsed by eventsource-stream).
pub struct Events(
    std::pin::Pin<
        Box<
            dyn futures::Stream<
                    Item = Result<
                        eventsource_stream::Event,
                        eventsource_stream::EventStreamError<reqwest::Error>,
                    >,
                > + Send,
        >,
    >,
);

impl Events {
    pub fn of(response: reqwest::Response) -> Self {
        use eventsource_stream::Eventsource;
        Self(Box::pin(response.bytes_stream().eventsource()))
    }

    /// The data of the next event named `name` (skipping keep-alives and other
    /// events), failing the test after 5 s without one.
    pub async fn next_named(&mut self, name: &str) -> String {
        use futures::StreamExt;
        loop {
            let event = tokio::time::timeout(std::time::Duration::from_secs(5), self.0.next())
                .await
                .expect("a message within 5 s")
                .expect("stream open")
                .expect("a well-formed event");
            if event.event == name {
                return event.data;
            }
        }
    }

    /// Reads on until drem ends the stream: the events until then (name, data).
    pub async fn until_end(&mut self) -> Vec<(String, String)> {
        use futures::StreamExt;
        let mut events = Vec::new();
        while let Some(Ok(event)) = self.0.next().await {
            events.push((event.event, event.data));
        }
        events
    }
}

/// The board of a public stream's `Board` message, and whether it is a connection's
/// snapshot (with who is on track).
pub fn board(update: app::wire::PublicUpdate) -> (app::wire::Leaderboard, bool) {
    match update {
        app::wire::PublicUpdate::Board {
            board, snapshot, ..
        } => (board, snapshot),
        other => panic!("expected a board, got {other:?}"),
    }
}
