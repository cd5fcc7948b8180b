//! What the browser tab renders for a response. A page sits in a sandboxed `srcdoc`
//! frame, which has no address to load a page's images from: the images an HTML page
//! shows (`<img src=...>`) are fetched here and inlined as `data:` URLs, bytes intact.
//! An image is shown as one; other bodies as text.

use super::{parse_url, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Most images inlined into one page.
const MAX_IMAGES: usize = 32;

fn content_type(r: &HttpResponse) -> String {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn data_url(r: &HttpResponse) -> String {
    format!(
        "data:{};base64,{}",
        content_type(r),
        STANDARD.encode(&r.body)
    )
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `src` made absolute against the page's `url` (`http://host:port/dir/page`).
fn resolve(url: &str, src: &str) -> Option<String> {
    if src.contains("://") {
        return Some(src.to_string());
    }
    let u = parse_url(url).ok()?;
    let origin = format!("{}://{}:{}", u.scheme, u.host, u.port);
    if src.starts_with('/') {
        return Some(format!("{origin}{src}"));
    }
    let path = u.path.split(['?', '#']).next().unwrap_or("/");
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    Some(format!("{origin}{dir}{src}"))
}

/// The document the frame shows for `r`, fetched from `url`; `fetch` gets the images
/// an HTML page shows (None: the image stays as it was, a broken one).
pub fn document(
    url: &str,
    r: &HttpResponse,
    fetch: &mut dyn FnMut(&str) -> Option<HttpResponse>,
) -> String {
    let ct = content_type(r);
    if ct.starts_with("image/") {
        return format!(
            "<!DOCTYPE html><body style=\"margin:0\"><img alt=\"{}\" src=\"{}\" style=\"max-width:100%\"></body>",
            escape_html(url),
            data_url(r)
        );
    }
    let text = String::from_utf8_lossy(&r.body).into_owned();
    if !ct.starts_with("text/html") {
        return format!("<pre>{}</pre>", escape_html(&text));
    }
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut inlined = 0;
    while let Some(i) = lower[at..].find("<img").map(|i| i + at) {
        let end = lower[i..].find('>').map_or(lower.len(), |e| e + i);
        let tag = &lower[i..end];
        let value = tag.find("src=").and_then(|s| {
            let q = tag[s + 4..].chars().next()?;
            if q != '"' && q != '\'' {
                return None;
            }
            let start = i + s + 5;
            let len = lower[start..end].find(q)?;
            Some((start, start + len))
        });
        let Some((vs, ve)) = value else {
            out.push_str(&text[at..end]);
            at = end;
            continue;
        };
        out.push_str(&text[at..vs]);
        let src = &text[vs..ve];
        let fetched = (inlined < MAX_IMAGES && !src.starts_with("data:"))
            .then(|| resolve(url, src))
            .flatten()
            .and_then(|abs| fetch(&abs))
            .filter(|img| img.status == 200);
        match fetched {
            Some(img) => {
                inlined += 1;
                out.push_str(&data_url(&img));
            }
            None => out.push_str(src),
        }
        at = ve;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_inlined_byte_for_byte() {
        let jpg = vec![0xff, 0xd8, 0xff, 0x00, 0x80];
        let page = HttpResponse::new(
            200,
            "text/html",
            b"<h1>x</h1><IMG alt='a' src=\"images/pic.jpg\"><img src='/missing.png'>".to_vec(),
        );
        let mut asked = Vec::new();
        let doc = document(
            "http://192.168.56.202:30080/site/index.html",
            &page,
            &mut |u| {
                asked.push(u.to_string());
                (u.ends_with("pic.jpg")).then(|| HttpResponse::new(200, "image/jpeg", jpg.clone()))
            },
        );
        assert_eq!(
            asked,
            [
                "http://192.168.56.202:30080/site/images/pic.jpg",
                "http://192.168.56.202:30080/missing.png"
            ]
        );
        assert_eq!(
            doc,
            "<h1>x</h1><IMG alt='a' src=\"data:image/jpeg;base64,/9j/AIA=\"><img src='/missing.png'>"
        );
        let img = HttpResponse::new(200, "image/jpeg", jpg);
        assert!(document("http://h/p.jpg", &img, &mut |_| None)
            .contains("src=\"data:image/jpeg;base64,/9j/AIA=\""));
        let text = HttpResponse::new(200, "text/plain", b"a<b".to_vec());
        assert_eq!(
            document("http://h/", &text, &mut |_| None),
            "<pre>a&lt;b</pre>"
        );
    }
}
