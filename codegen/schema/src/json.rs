//! A small JSON parser that remembers where every value came from.
//!
//! `serde_json` forgets positions once a value is parsed, and a schema error that says
//! "default does not match" without a line is of little use. Every [`Json`] value here
//! carries the byte range of its source text, and every object key its own range, so the
//! loader can point diagnostics at the exact element.

use crate::source::Span;

/// Appends one RFC 6901 token to a JSON pointer: `/`, with `~` written `~0` and `/` `~1`.
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

/// A JSON value with the span of its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// Where the value starts and ends in its file.
    pub span: Span,
    /// The value itself.
    pub kind: JsonKind,
}

/// The kinds of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as its source text so integers of any size stay exact.
    Number(String),
    /// A string, with escapes resolved.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, its members in source order.
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, with escapes resolved.
    pub key: String,
    /// Where the key (with its quotes) is.
    pub key_span: Span,
    /// The value.
    pub value: Json,
}

/// A syntax error: what was wrong, where, and (when the mistake is a common one) how to
/// fix it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SyntaxError {
    /// The offending text: usually one character, a whole key for a duplicate key, the
    /// start of a string that never ends.
    pub span: Span,
    /// What the parser expected or found.
    pub message: String,
    /// How to fix a well-known mistake (a trailing comma, a comment, a bad escape).
    pub hint: Option<&'static str>,
}

impl std::fmt::Display for SyntaxError {
    /// The message, then the hint: the span is only meaningful beside the text, which a
    /// [`Diagnostic`](crate::Diagnostic) shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

impl Json {
    /// The member `key` of an object, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            JsonKind::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an `i64`, if it is an integral number in range.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            JsonKind::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// The value as an `f64`, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            JsonKind::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// A short name of the value's kind, for messages ("a string", "an object", ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }

    /// The value written at `target` (a span the loader recorded, such as a field's
    /// origin) somewhere inside this one, with the RFC 6901 JSON pointer to it from here.
    pub fn find(&self, target: Span) -> Option<(String, &Json)> {
        let mut pointer = String::new();
        let mut json = self;
        let inside = |span: Span| span.start <= target.start && target.end <= span.end;
        while json.span != target {
            let (token, next) = match &json.kind {
                JsonKind::Object(members) => {
                    let member = members.iter().find(|m| inside(m.value.span))?;
                    (member.key.clone(), &member.value)
                }
                JsonKind::Array(items) => {
                    let (index, item) = items.iter().enumerate().find(|(_, item)| inside(item.span))?;
                    (index.to_string(), item)
                }
                _ => return None,
            };
            push_pointer_token(&mut pointer, &token);
            json = next;
        }
        Some((pointer, json))
    }

    /// The value as `serde_json`, for keeping custom properties and defaults in the IR.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Number(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            JsonKind::String(s) => Value::String(s.clone()),
            JsonKind::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            JsonKind::Object(members) => {
                Value::Object(members.iter().map(|m| (m.key.clone(), m.value.to_value())).collect())
            }
        }
    }
}

/// Parses one JSON document. Duplicate keys in an object are an error: in a schema they
/// are always a mistake, and which one wins differs between Avro implementations.
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    parser.skip_whitespace();
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("unexpected text after the JSON document"));
    }
    Ok(value)
}

/// Deep enough for any real schema, shallow enough that hostile input cannot overflow the
/// stack of the recursive descent.
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    /// An error at the current character.
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        let len = self.text[self.pos..].chars().next().map_or(1, char::len_utf8);
        self.error_at(Span::new(self.pos, self.pos + len), message)
    }

    fn error_at(&self, span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.text[self.pos..].chars().next() {
            None => self.error(format!("expected {expected}, found the end of the file")),
            Some('/') => SyntaxError {
                hint: Some("JSON has no comments; remove them"),
                ..self.error(format!("expected {expected}, found `/`"))
            },
            Some(c) => self.error(format!("expected {expected}, found `{c}`")),
        }
    }

    /// A `,` directly before the closing bracket: the most common JSON mistake, worth
    /// naming instead of "expected a value, found `]`".
    fn trailing_comma(&self, comma: usize, close: char) -> Option<SyntaxError> {
        (self.peek() == Some(close as u8)).then(|| SyntaxError {
            hint: Some("remove the comma after the last element: JSON does not allow trailing commas"),
            ..self.error_at(Span::new(comma, comma + 1), format!("trailing comma before `{close}`"))
        })
    }

    fn value(&mut self) -> Result<Json, SyntaxError> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') => self.literal("true", JsonKind::Bool(true))?,
            Some(b'f') => self.literal("false", JsonKind::Bool(false))?,
            Some(b'n') => self.literal("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Json {
            span: Span::new(start, self.pos),
            kind,
        })
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Result<JsonKind, SyntaxError>) -> Result<JsonKind, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let kind = parse(self);
        self.depth -= 1;
        kind
    }

    fn literal(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, SyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn object(&mut self) -> Result<JsonKind, SyntaxError> {
        self.pos += 1; // `{`
        let mut members: Vec<Member> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonKind::Object(members));
        }
        let mut comma = None;
        loop {
            self.skip_whitespace();
            if let Some(error) = comma.and_then(|at| self.trailing_comma(at, '}')) {
                return Err(error);
            }
            let key_start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a quoted key"));
            }
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            if members.iter().any(|m| m.key == key) {
                return Err(SyntaxError {
                    hint: Some("keep only one of them: readers disagree on which one wins"),
                    ..self.error_at(key_span, format!("duplicate key \"{key}\" in one object"))
                });
            }
            self.skip_whitespace();
            self.expect(b':', "`:` after the key")?;
            self.skip_whitespace();
            let value = self.value()?;
            members.push(Member { key, key_span, value });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> Result<JsonKind, SyntaxError> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonKind::Array(items));
        }
        let mut comma = None;
        loop {
            self.skip_whitespace();
            if let Some(error) = comma.and_then(|at| self.trailing_comma(at, ']')) {
                return Err(error);
            }
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after `.`"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            self.digits();
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The text is valid UTF-8 and the run stops only at ASCII bytes, so the slice
            // boundaries are character boundaries.
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => {
                    return Err(SyntaxError {
                        hint: Some("close the string with `\"`"),
                        ..self.error_at(Span::new(start, self.pos), "unterminated string")
                    });
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let backslash = self.pos;
                    self.pos += 1;
                    out.push(self.escape(backslash)?);
                }
                // A string that runs into a line break almost always lacks its closing
                // quote; say so, from the opening quote, rather than blame the break.
                Some(b'\n' | b'\r') => {
                    return Err(SyntaxError {
                        hint: Some("close the string with `\"` (a line break inside a string is written `\\n`)"),
                        ..self.error_at(
                            Span::new(start, self.pos),
                            "unterminated string: the line ends before the closing `\"`",
                        )
                    });
                }
                Some(byte) => {
                    return Err(SyntaxError {
                        hint: Some("escape it, e.g. `\\t` for a tab or `\\u0001`"),
                        ..self.error(format!("control character U+{byte:04X} inside a string"))
                    });
                }
            }
        }
    }

    fn escape(&mut self, backslash: usize) -> Result<char, SyntaxError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => {
                let end = self.pos + self.text[self.pos..].chars().next().map_or(0, char::len_utf8);
                return Err(SyntaxError {
                    hint: Some(
                        "JSON knows only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash itself as \\\\",
                    ),
                    ..self.error_at(
                        Span::new(backslash, end),
                        format!("invalid escape `{}` in a string", &self.text[backslash..end]),
                    )
                });
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error("a high surrogate must be followed by a \\u low surrogate"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("invalid low surrogate"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("escape is not a Unicode scalar value"))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits after \\u"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("expected four hex digits after \\u"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_values_with_spans() {
        let text = r#"{"a": [1, -2.5e3, "x\u00e9\ud83d\ude00"], "b": {"c": null, "d": true}}"#;
        let json = parse(text).unwrap();
        let a = &json.get("a").unwrap().value;
        assert_eq!(&text[a.span.start..a.span.end], r#"[1, -2.5e3, "x\u00e9\ud83d\ude00"]"#);
        let JsonKind::Array(items) = &a.kind else { panic!() };
        assert_eq!(items[0].as_i64(), Some(1));
        assert_eq!(items[1].as_f64(), Some(-2500.0));
        assert_eq!(items[2].as_str(), Some("xé😀"));
        let b = text.find("\"b\"").unwrap();
        assert_eq!(json.get("b").unwrap().key_span, Span::new(b, b + 3));
    }

    #[test]
    fn rejects_malformed_input_with_spans() {
        let cases = [
            ("{\"a\": }", (6, 7), "expected a JSON value, found `}`"),
            ("[1, 2", (5, 6), "expected `,` or `]`, found the end of the file"),
            ("{\"a\": 1, \"a\": 2}", (9, 12), "duplicate key \"a\" in one object"),
            ("\"abc", (0, 4), "unterminated string"),
            (
                "[\"abc\n]",
                (1, 5),
                "unterminated string: the line ends before the closing `\"`",
            ),
            ("\"C:\\é\"", (3, 6), "invalid escape `\\é` in a string"),
            ("[1, 2,\n]", (5, 6), "trailing comma before `]`"),
            ("{\"a\": 1, }", (7, 8), "trailing comma before `}`"),
            ("01", (1, 2), "unexpected text after the JSON document"),
            ("{'a': 1}", (1, 2), "expected a quoted key, found `'`"),
            (
                "\"\\ud800x\"",
                (7, 8),
                "a high surrogate must be followed by a \\u low surrogate",
            ),
        ];
        for (text, (start, end), message) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(
                (err.span, err.message.as_str()),
                (Span::new(start, end), message),
                "{text}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).unwrap_err().message.contains("nesting deeper"));
    }
}
