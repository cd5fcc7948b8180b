//! Networking: URLs, HTTP requests and responses between the emulated programs, and
//! the errors a real client sees (connection refused, timeout, unknown host).
//! Routing to Services and pods is done by the cluster (see `cluster::network`); the
//! servers themselves are in [`servers`]; the programs that reach the network are in
//! [`tools`], the server programs in [`daemons`].

pub(crate) mod agnhost;
pub mod browser;
pub mod curl;
pub(crate) mod daemons;
pub(crate) mod servers;
pub(crate) mod tools;

use crate::shell::Host;

/// What the networking tools need of their host beyond the shell's: the network as
/// seen from the process's network namespace.
pub trait NetHost: Host {
    /// An HTTP request from this process's network namespace.
    fn http(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError>;
    /// A redis command sent to `host:port` from this process.
    fn redis(&mut self, host: &str, port: u16, args: &[String])
        -> Result<servers::Reply, NetError>;
    /// Opens a TCP connection to `host:port` and closes it: Ok when something listens.
    fn connect(&mut self, host: &str, port: u16) -> Result<(), NetError> {
        Err(NetError::Unresolved(format!("{host}:{port}")))
    }
    /// Resolves a host name from this process's network namespace.
    fn resolve(&mut self, _name: &str) -> Option<String> {
        None
    }
}

/// An HTTP request as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// Host as written in the URL (a name or an IP).
    pub host: String,
    pub port: u16,
    /// Path with query (`/index.html`).
    pub path: String,
    pub user_agent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> HttpResponse {
        HttpResponse {
            status,
            reason: reason(status).to_string(),
            headers: vec![
                ("Content-Type".into(), content_type.into()),
                ("Content-Length".into(), body.len().to_string()),
            ],
            body,
        }
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        412 => "Precondition Failed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "",
    }
}

/// Why a connection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// Nothing listens there (RST): `Connection refused`.
    Refused { host: String, port: u16 },
    /// No route or dropped packets: the client times out.
    Timeout { host: String, port: u16 },
    /// The name does not resolve.
    Unresolved(String),
    /// Not a URL the client understands.
    BadUrl(String),
    /// Accepted, then closed without an answer (a proxy whose upstream is gone).
    Closed,
}

/// curl's message and exit code for a failed request.
pub fn curl_error(e: &NetError) -> (String, i32) {
    match e {
        NetError::Refused { host, port } => (
            format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"),
            7,
        ),
        NetError::Timeout { host, port } => (
            format!("curl: (28) Failed to connect to {host} port {port} after 135000 ms: Timeout was reached\n"),
            28,
        ),
        NetError::Unresolved(h) => (format!("curl: (6) Could not resolve host: {h}\n"), 6),
        NetError::BadUrl(_) => ("curl: (3) URL rejected: Malformed input to a URL function\n".into(), 3),
        NetError::Closed => ("curl: (52) Empty reply from server\n".into(), 52),
    }
}

/// What a browser says when a page cannot be loaded (Chromium's error codes).
pub fn browser_error(e: &NetError) -> String {
    match e {
        NetError::Refused { host, .. } => {
            format!("{host} refused to connect. ERR_CONNECTION_REFUSED")
        }
        NetError::Timeout { host, .. } => {
            format!("{host} took too long to respond. ERR_CONNECTION_TIMED_OUT")
        }
        NetError::Unresolved(h) => {
            format!("{h}'s server IP address could not be found. ERR_NAME_NOT_RESOLVED")
        }
        NetError::BadUrl(u) => format!("{u} is not a valid address. ERR_INVALID_URL"),
        NetError::Closed => "The page didn't send any data. ERR_EMPTY_RESPONSE".into(),
    }
}

/// A parsed `http://host:port/path` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    pub path: String,
}

pub fn parse_url(url: &str) -> Result<Url, NetError> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), url),
    };
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(NetError::BadUrl(url.to_string())),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| NetError::BadUrl(url.to_string()))?,
        ),
        None => (authority, default_port),
    };
    if host.is_empty() {
        return Err(NetError::BadUrl(url.to_string()));
    }
    Ok(Url {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
        path: path.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_url("http://192.168.56.202:32258/index.html").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("192.168.56.202", 32258, "/index.html")
        );
        let u = parse_url("tea.default.svc.cluster.local").unwrap();
        assert_eq!((u.port, u.path.as_str()), (80, "/"));
        assert!(parse_url("ftp://x").is_err());
        assert!(parse_url("http://x:99999/").is_err());
    }
}
