//! Avro IDL tokens with their spans. Comments are skipped, except that a `/** ... */`
//! doc comment is remembered on the token after it, where the parser asks for it.

use super::SyntaxError;
use crate::source::Span;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind {
    /// A name, keyword or annotation name; `quoted` when any part was in backticks, which
    /// makes a keyword an ordinary name.
    Ident { text: String, quoted: bool },
    /// A string literal, escapes resolved.
    Str(String),
    /// An integer literal, as JSON number text (hex and octal converted to decimal).
    Int(String),
    /// A floating-point literal, as JSON number text, or `NaN`/`Infinity`/`-Infinity`
    /// (which JSON cannot hold as numbers, and Avro writes as strings).
    Float(String),
    /// One punctuation character: `{ } ( ) [ ] < > , ; : = ? @`.
    Punct(char),
    /// The end of the file.
    Eof,
}

/// One token: its kind, its text's span, and the doc comment written just before it.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// The doc comment's text and span.
    pub doc: Option<(String, Span)>,
}

impl Token {
    /// Whether this token is the (unquoted) keyword `word`.
    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(&self.kind, TokenKind::Ident { text, quoted: false } if text == word)
    }

    /// How the token reads in a message ("`record`", "the string \"x\"", "the end of the file").
    pub fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Ident { text, .. } => format!("`{text}`"),
            TokenKind::Str(text) => format!("the string \"{text}\""),
            TokenKind::Int(text) | TokenKind::Float(text) => format!("the number `{text}`"),
            TokenKind::Punct(c) => format!("`{c}`"),
            TokenKind::Eof => "the end of the file".to_owned(),
        }
    }
}

/// Splits `text` into tokens, the last one [`TokenKind::Eof`].
pub(super) fn tokenize(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer { text, pos: 0 };
    let mut tokens = Vec::new();
    loop {
        let doc = lexer.skip_trivia()?;
        let start = lexer.pos;
        let kind = lexer.token()?;
        let done = kind == TokenKind::Eof;
        tokens.push(Token {
            kind,
            span: Span::new(start, lexer.pos),
            doc,
        });
        if done {
            return Ok(tokens);
        }
    }
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(ahead)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, span: Span, message: impl Into<String>, hint: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// The character at the cursor as a span (empty at the end).
    fn here(&self) -> Span {
        Span::new(self.pos, self.pos + self.peek().map_or(0, char::len_utf8))
    }

    /// Skips whitespace and comments; returns the last doc comment seen, which documents
    /// the token that follows.
    fn skip_trivia(&mut self) -> Result<Option<(String, Span)>, SyntaxError> {
        let mut doc = None;
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('/') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                Some('/') if self.peek_at(1) == Some('*') => {
                    let start = self.pos;
                    let Some(end) = self.text[start + 2..].find("*/") else {
                        return Err(self.error(
                            Span::new(start, start + 2),
                            "unterminated comment",
                            "close the comment with `*/`",
                        ));
                    };
                    let body = &self.text[start + 2..start + 2 + end];
                    self.pos = start + 2 + end + 2;
                    // `/**/` is an empty ordinary comment, not a doc comment.
                    if let Some(doc_body) = body.strip_prefix('*').filter(|_| !body.is_empty()) {
                        doc = Some((doc_text(doc_body), Span::new(start, self.pos)));
                    }
                }
                _ => return Ok(doc),
            }
        }
    }

    fn token(&mut self) -> Result<TokenKind, SyntaxError> {
        let Some(c) = self.peek() else {
            return Ok(TokenKind::Eof);
        };
        match c {
            '{' | '}' | '(' | ')' | '[' | ']' | '<' | '>' | ',' | ';' | ':' | '=' | '?' | '@' => {
                self.bump();
                Ok(TokenKind::Punct(c))
            }
            '"' => self.string(),
            '`' => self.ident(),
            c if is_name_start(c) => {
                // `NaN` and `Infinity` are number literals, unless quoted in backticks.
                let word_end = self.text[self.pos..]
                    .find(|c: char| !is_name_char(c))
                    .map_or(self.text.len(), |i| self.pos + i);
                match &self.text[self.pos..word_end] {
                    word @ ("NaN" | "Infinity") => {
                        self.pos = word_end;
                        Ok(TokenKind::Float(word.to_owned()))
                    }
                    _ => self.ident(),
                }
            }
            '0'..='9' | '.' if c != '.' || self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
            '-' | '+' => self.number(),
            _ => Err(self.error(
                self.here(),
                format!("unexpected character `{c}`"),
                "Avro IDL has names, numbers, \"strings\", `/* comments */` and the punctuation { } ( ) [ ] < > , ; : = ? @",
            )),
        }
    }

    /// A name: parts (each plain or in backticks) joined by `.` or `-`, such as
    /// `org.example.Thing`, `java-class` or `avro.java.`string``.
    fn ident(&mut self) -> Result<TokenKind, SyntaxError> {
        let mut text = String::new();
        let mut quoted = false;
        loop {
            if self.peek() == Some('`') {
                let open = self.pos;
                self.bump();
                let start = self.pos;
                if !self.peek().is_some_and(is_name_start) {
                    return Err(self.error(
                        Span::new(open, self.here().end),
                        "expected a name inside the backticks",
                        "backticks quote a name that is also a keyword, such as `record`",
                    ));
                }
                while self.peek().is_some_and(is_name_char) {
                    self.bump();
                }
                text.push_str(&self.text[start..self.pos]);
                if self.peek() != Some('`') {
                    return Err(self.error(
                        Span::new(open, self.here().end),
                        "unterminated backtick-quoted name",
                        "close the name with a backtick: `name`",
                    ));
                }
                self.bump();
                quoted = true;
            } else {
                let start = self.pos;
                while self.peek().is_some_and(is_name_char) {
                    self.bump();
                }
                text.push_str(&self.text[start..self.pos]);
            }
            match (self.peek(), self.peek_at(1)) {
                (Some(sep @ ('.' | '-')), Some(next)) if is_name_start(next) || next == '`' => {
                    self.bump();
                    text.push(sep);
                }
                _ => return Ok(TokenKind::Ident { text, quoted }),
            }
        }
    }

    fn number(&mut self) -> Result<TokenKind, SyntaxError> {
        let start = self.pos;
        let negative = match self.peek() {
            Some('-') => {
                self.bump();
                true
            }
            Some('+') => {
                self.bump();
                false
            }
            _ => false,
        };
        let rest = &self.text[self.pos..];
        for word in ["NaN", "Infinity"] {
            if rest.starts_with(word) && !rest[word.len()..].starts_with(is_name_char) {
                self.pos += word.len();
                let text = if negative && word == "Infinity" {
                    "-Infinity"
                } else {
                    word
                };
                return Ok(TokenKind::Float(text.to_owned()));
            }
        }
        let sign = if negative { "-" } else { "" };
        if rest.starts_with("0x") || rest.starts_with("0X") {
            self.pos += 2;
            let digits_start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.bump();
            }
            let digits = &self.text[digits_start..self.pos];
            return self.integer(start, digits, 16, sign);
        }
        let digits_start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let mut is_float = false;
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            is_float = true;
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            } else {
                self.pos = save;
            }
        }
        let body = &self.text[digits_start..self.pos];
        if body.is_empty() {
            return Err(self.error(
                Span::new(start, self.here().end),
                "expected a number after the sign",
                "write a number such as -1 or -2.5, or -Infinity",
            ));
        }
        if matches!(self.peek(), Some('f' | 'F' | 'd' | 'D')) {
            self.bump();
            is_float = true;
        }
        if is_float {
            let value: f64 = body.parse().map_err(|_| {
                self.error(
                    Span::new(start, self.pos),
                    "malformed floating-point number",
                    "write it like 1.5, -0.25 or 6.02e23",
                )
            })?;
            let value = if negative { -value } else { value };
            // Reformatted so that `1.` or `.5` become valid JSON number text.
            return Ok(TokenKind::Float(
                serde_json::Number::from_f64(value).map_or_else(|| value.to_string(), |n| n.to_string()),
            ));
        }
        let radix = if body.len() > 1 && body.starts_with('0') { 8 } else { 10 };
        self.integer(start, body, radix, sign)
    }

    /// An integer literal's digits in `radix`, with its optional `L` suffix, as decimal text.
    fn integer(&mut self, start: usize, digits: &str, radix: u32, sign: &str) -> Result<TokenKind, SyntaxError> {
        let digits = digits.to_owned();
        if matches!(self.peek(), Some('l' | 'L')) {
            self.bump();
        }
        if self.peek().is_some_and(is_name_char) {
            while self.peek().is_some_and(is_name_char) {
                self.bump();
            }
            return Err(self.error(
                Span::new(start, self.pos),
                format!("malformed number or name `{}`", &self.text[start..self.pos]),
                "names start with a letter or `_`; an integer is decimal (16), hexadecimal (0x10) or octal (020), optionally followed by L",
            ));
        }
        let value = i128::from_str_radix(&format!("{sign}{digits}"), radix).map_err(|_| {
            self.error(
                Span::new(start, self.pos),
                format!("malformed integer `{}`", &self.text[start..self.pos]),
                "an integer is decimal (16), hexadecimal (0x10) or octal (020), and fits in 64 bits",
            )
        })?;
        Ok(TokenKind::Int(value.to_string()))
    }

    fn string(&mut self) -> Result<TokenKind, SyntaxError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None | Some('\n' | '\r') => {
                    return Err(self.error(
                        Span::new(start, self.pos),
                        "unterminated string",
                        "close the string with `\"` on the same line",
                    ));
                }
                Some('"') => return Ok(TokenKind::Str(out)),
                Some('\\') => {
                    let escape_start = self.pos - 1;
                    out.push(self.escape(escape_start)?);
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// Java's escapes, which IDL strings use: `\b \t \n \f \r \" \' \\`, octal `\0`..`\377`
    /// and `\uXXXX`.
    fn escape(&mut self, start: usize) -> Result<char, SyntaxError> {
        let bad = |lexer: &Self| {
            lexer.error(
                Span::new(start, lexer.here().end),
                "invalid escape in a string",
                "IDL strings know \\b \\t \\n \\f \\r \\\" \\' \\\\, octal \\0 to \\377 and \\uXXXX",
            )
        };
        let c = match self.peek() {
            Some('b') => '\u{8}',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('"') => '"',
            Some('\'') => '\'',
            Some('\\') => '\\',
            Some('u') => {
                while self.peek() == Some('u') {
                    self.bump();
                }
                let digits = self
                    .text
                    .get(self.pos..self.pos + 4)
                    .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
                    .ok_or_else(|| bad(self))?;
                let code = u32::from_str_radix(digits, 16).map_err(|_| bad(self))?;
                self.pos += 4;
                return char::from_u32(code).ok_or_else(|| bad(self));
            }
            Some('0'..='7') => {
                let first = self.peek().and_then(|c| c.to_digit(8)).unwrap_or(0);
                let mut value = first;
                self.bump();
                let max_digits = if first <= 3 { 2 } else { 1 };
                for _ in 0..max_digits {
                    match self.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            self.bump();
                        }
                        None => break,
                    }
                }
                return char::from_u32(value).ok_or_else(|| bad(self));
            }
            _ => return Err(bad(self)),
        };
        self.bump();
        Ok(c)
    }
}

/// The text of a doc comment (between `/**` and `*/`): leading `*` decorations and the
/// common indentation removed, blank lines at either end dropped, as Java's IDL reader
/// does.
fn doc_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let starred = lines.len() > 1
        && lines[1..]
            .iter()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('*'));
    let stripped: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if starred && i > 0 {
                let rest = line.trim_start();
                rest.strip_prefix('*').unwrap_or(rest).to_owned()
            } else {
                (*line).to_owned()
            }
        })
        .collect();
    let indent = stripped
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = stripped
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.trim().to_owned()
            } else if l.is_char_boundary(indent) && l[..indent].trim().is_empty() {
                l[indent..].trim_end().to_owned()
            } else {
                l.trim().to_owned()
            }
        })
        .collect();
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn numbers_become_json_number_text() {
        assert_eq!(
            kinds("0x10 010 -3L 1.5f NaN -Infinity .5"),
            vec![
                TokenKind::Int("16".into()),
                TokenKind::Int("8".into()),
                TokenKind::Int("-3".into()),
                TokenKind::Float("1.5".into()),
                TokenKind::Float("NaN".into()),
                TokenKind::Float("-Infinity".into()),
                TokenKind::Float("0.5".into()),
                TokenKind::Eof,
            ]
        );
    }

    #[test]
    fn names_join_parts_and_backticks_unkeyword() {
        let tokens = tokenize("avro.java.`string` my-prop `record` /** Doc. */ x").unwrap();
        assert_eq!(
            tokens[0].kind,
            TokenKind::Ident {
                text: "avro.java.string".into(),
                quoted: true
            }
        );
        assert!(tokens[1].is_keyword("my-prop"));
        assert!(!tokens[2].is_keyword("record"));
        assert_eq!(tokens[3].doc.as_ref().map(|d| d.0.as_str()), Some("Doc."));
    }

    #[test]
    fn doc_comments_lose_their_stars_and_indentation() {
        assert_eq!(doc_text("\n   * First.\n   *   Indented.\n   "), "First.\n  Indented.");
        assert_eq!(doc_text(" One line. "), "One line.");
    }
}
