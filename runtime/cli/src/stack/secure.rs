//! The secure endpoints' material: a throwaway CA, a server certificate for 127.0.0.1 it
//! signs, and the password of [`SECURE_USER`], all drawn anew by every `stack up` under
//! `run/tls/` (so `stack down` removes them) with `openssl`.
//!
//! The broker's SASL_SSL listener and the HTTPS registry use them; `stack env` prints
//! where the CA is and the credentials. Nothing here ever writes the password to a log:
//! the tools that need it read it from a file or from their standard input.

use super::layout::Layout;
use super::topology::{KAFKA_SASL_MECHANISM, Ports, REGISTRY_CCOMPAT_PATH, SECURE_USER, Service};
use anyhow::{Context, bail};
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How long the throwaway certificates are valid (a stack lives for hours, not weeks).
const VALID_DAYS: &str = "30";

/// The files of the secure endpoints.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    dir: PathBuf,
}

impl TlsFiles {
    /// The files of the stack at `layout` (they exist once `stack up` made them).
    pub fn of(layout: &Layout) -> TlsFiles {
        TlsFiles {
            dir: layout.run().join("tls"),
        }
    }

    /// The CA certificate clients trust (PEM).
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    fn ca_key(&self) -> PathBuf {
        self.dir.join("ca.key")
    }

    /// The server certificate (PEM, for 127.0.0.1 and localhost).
    pub fn server_cert(&self) -> PathBuf {
        self.dir.join("server.pem")
    }

    /// The server's private key (unencrypted PKCS#8 PEM, readable by its owner only).
    pub fn server_key(&self) -> PathBuf {
        self.dir.join("server.key")
    }

    /// Key and certificate in one PEM file: Kafka's `ssl.keystore.type=PEM` keystore.
    pub fn kafka_keystore(&self) -> PathBuf {
        self.dir.join("kafka-keystore.pem")
    }

    /// The password of [`SECURE_USER`] (readable by its owner only).
    fn password_file(&self) -> PathBuf {
        self.dir.join("password")
    }

    /// The registry's embedded users realm (`user=password`, readable by its owner only).
    pub fn registry_users(&self) -> PathBuf {
        self.dir.join("registry-users.properties")
    }
}

/// The user and password of the secure endpoints. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// [`SECURE_USER`].
    pub user: String,
    /// Drawn by `stack up`.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Credentials {
    /// The credentials `stack up` drew for the stack at `layout`, or `None` before it did.
    pub fn load(layout: &Layout) -> Option<Credentials> {
        let password = fs::read_to_string(TlsFiles::of(layout).password_file()).ok()?;
        let password = password.trim();
        (!password.is_empty()).then(|| Credentials {
            user: SECURE_USER.to_owned(),
            password: password.to_owned(),
        })
    }
}

/// Draws a fresh CA, server certificate and password for the stack at `layout`.
pub fn prepare(layout: &Layout) -> anyhow::Result<Credentials> {
    let files = TlsFiles::of(layout);
    fs::create_dir_all(&files.dir).with_context(|| format!("creating {}", files.dir.display()))?;
    fs::set_permissions(&files.dir, fs::Permissions::from_mode(0o700))?;
    openssl(
        &files.dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            VALID_DAYS,
            "-subj",
            "/CN=avrokit stack throwaway CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    )?;
    openssl(
        &files.dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    )?;
    let extensions = files.dir.join("server.ext");
    fs::write(
        &extensions,
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )?;
    openssl(
        &files.dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            VALID_DAYS,
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ],
    )?;
    let keystore = [fs::read(files.server_key())?, fs::read(files.server_cert())?].concat();
    write_private(&files.kafka_keystore(), &keystore)?;
    // The CA's key signs nothing else: without it nobody can mint a certificate the
    // clients of this stack would trust.
    fs::remove_file(files.ca_key()).with_context(|| format!("removing {}", files.ca_key().display()))?;

    let credentials = Credentials {
        user: SECURE_USER.to_owned(),
        password: random_password()?,
    };
    write_private(&files.password_file(), credentials.password.as_bytes())?;
    write_private(
        &files.registry_users(),
        format!("{}={}\n", credentials.user, credentials.password).as_bytes(),
    )?;
    Ok(credentials)
}

/// Runs `openssl ARGS` in `dir`; its chatter goes nowhere, its failure is an error.
fn openssl(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .context("running `openssl` (install it: Debian `apt-get install openssl`)")?;
    if !out.status.success() {
        bail!(
            "`openssl {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok(())
}

/// 128 random bits as 32 hex digits (from the kernel's generator).
fn random_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The base URL of the HTTPS registry's Confluent API.
pub fn registry_url(ports: Ports) -> String {
    format!(
        "https://127.0.0.1:{}{REGISTRY_CCOMPAT_PATH}",
        ports.of(Service::RegistryTls)
    )
}

/// The extra `stack env` lines: the secure endpoints under names of their own, which no
/// command reads by itself (so sourcing `stack env` keeps every command on plaintext).
pub fn extra_env(layout: &Layout, ports: Ports, credentials: &Credentials) -> Vec<(&'static str, String)> {
    let ca = TlsFiles::of(layout).ca().display().to_string();
    vec![
        (
            "KAFKA_SECURE_BOOTSTRAP_SERVERS",
            format!("127.0.0.1:{}", ports.kafka_sasl_ssl()),
        ),
        ("KAFKA_SASL_MECHANISM", KAFKA_SASL_MECHANISM.to_owned()),
        ("KAFKA_SASL_USERNAME", credentials.user.clone()),
        ("KAFKA_SASL_PASSWORD", credentials.password.clone()),
        ("KAFKA_SSL_CA_LOCATION", ca.clone()),
        ("SCHEMA_REGISTRY_SECURE_URL", registry_url(ports)),
        ("SCHEMA_REGISTRY_SECURE_USER", credentials.user.clone()),
        ("SCHEMA_REGISTRY_SECURE_PASSWORD", credentials.password.clone()),
        ("SCHEMA_REGISTRY_SECURE_CA", ca),
    ]
}

/// `stack env --secure`: the secure endpoints under the names every command reads, so
/// that sourcing them points every command at SASL_SSL and HTTPS.
pub fn client_env(layout: &Layout, ports: Ports, credentials: &Credentials) -> Vec<(&'static str, String)> {
    let ca = TlsFiles::of(layout).ca().display().to_string();
    vec![
        (
            "KAFKA_BOOTSTRAP_SERVERS",
            format!("127.0.0.1:{}", ports.kafka_sasl_ssl()),
        ),
        ("KAFKA_SECURITY_PROTOCOL", "SASL_SSL".to_owned()),
        ("KAFKA_SASL_MECHANISM", KAFKA_SASL_MECHANISM.to_owned()),
        ("KAFKA_SASL_USERNAME", credentials.user.clone()),
        ("KAFKA_SASL_PASSWORD", credentials.password.clone()),
        ("KAFKA_SSL_CA_LOCATION", ca.clone()),
        ("SCHEMA_REGISTRY_URL", registry_url(ports)),
        ("SCHEMA_REGISTRY_USER", credentials.user.clone()),
        ("SCHEMA_REGISTRY_PASSWORD", credentials.password.clone()),
        ("SCHEMA_REGISTRY_CA", ca),
    ]
}

/// `curl` against the HTTPS registry with the stack's CA and credentials, the password
/// given on curl's standard input (its config), never on a command line.
///
/// Returns the HTTP status and the body.
pub fn registry_call(
    layout: &Layout,
    ports: Ports,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    let credentials = Credentials::load(layout).ok_or("no credentials (run/tls/password is missing)")?;
    let url = format!("{}{path}", registry_url(ports));
    let mut config = format!(
        "user = \"{}:{}\"\nurl = \"{url}\"\nrequest = \"{method}\"\n",
        credentials.user, credentials.password
    );
    if let Some(body) = body {
        config.push_str("header = \"Content-Type: application/vnd.schemaregistry.v1+json\"\n");
        config.push_str(&format!(
            "data = \"{}\"\n",
            body.replace('\\', "\\\\").replace('"', "\\\"")
        ));
    }
    let mut child = Command::new("curl")
        .args(["-sS", "--max-time", "10", "-w", "\n%{http_code}", "--cacert"])
        .arg(TlsFiles::of(layout).ca())
        .args(["-K", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running curl: {e}"))?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().ok_or("curl has no stdin")?;
        stdin
            .write_all(config.as_bytes())
            .map_err(|e| format!("writing curl's config: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("running curl: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    if !out.status.success() {
        return Err(format!(
            "{method} {url}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let code: u16 = code.trim().parse().map_err(|_| format!("{method} {url}: no status"))?;
    Ok((code, body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_hides_the_password() {
        let c = Credentials {
            user: "avrokit".into(),
            password: "s3cr3t-value".into(),
        };
        let shown = format!("{c:?}");
        assert!(shown.contains("avrokit") && !shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn prepare_makes_a_ca_a_server_certificate_and_private_files() {
        let root = std::env::temp_dir().join(format!("avrokit-secure-{}", std::process::id()));
        let layout = Layout::at(root.clone());
        let credentials = prepare(&layout).unwrap();
        let files = TlsFiles::of(&layout);
        assert_eq!(credentials.password.len(), 32);
        assert_eq!(Credentials::load(&layout), Some(credentials.clone()));
        let verify = Command::new("openssl")
            .args(["verify", "-CAfile"])
            .arg(files.ca())
            .arg(files.server_cert())
            .output()
            .unwrap();
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
        for private in [files.server_key(), files.kafka_keystore(), files.password_file()] {
            let mode = fs::metadata(&private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", private.display());
        }
        assert!(!files.ca_key().exists(), "the CA key must not outlive the signing");
        fs::remove_dir_all(&root).unwrap();
    }
}
