//! Where the walk is: the JSON pointer into the reader (as Java renders it), the pointer to
//! the same element in the writer, and the nearest located element (field or named type)
//! on each side. The writer pointer lets output that annotates the writer (the new schema
//! in FORWARD mode) name a place in the file it annotates.

use super::Position;
use crate::ir::{Origin, Schema, SchemaSet};

/// One token of the reader pointer.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    /// A keyword: `fields`, `type`, `items`, `values`, `name`, `size`, `symbols`.
    Key(&'static str),
    /// A field position or a union branch index.
    Index(usize),
}

/// The walk's position: pointer tokens and the origin stacks of both sides.
pub(super) struct Cursor<'a> {
    reader_set: &'a SchemaSet,
    writer_set: &'a SchemaSet,
    /// One entry per step of the walk: the reader's token and the writer's, either absent
    /// when the step goes deeper on one side only (into a reader union's branch, into a
    /// reader field the writer does not have).
    tokens: Vec<(Option<Token>, Option<Token>)>,
    reader_origins: Vec<Origin>,
    writer_origins: Vec<Origin>,
    /// Where a root that is not a named type is (its file, 1:1), if the set has it.
    reader_root: Option<usize>,
    writer_root: Option<usize>,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(reader: (&'a SchemaSet, &Schema), writer: (&'a SchemaSet, &Schema)) -> Self {
        Self {
            reader_set: reader.0,
            writer_set: writer.0,
            tokens: Vec::new(),
            reader_origins: Vec::new(),
            writer_origins: Vec::new(),
            reader_root: root_file(reader.0, reader.1),
            writer_root: root_file(writer.0, writer.1),
        }
    }

    /// A step both sides take (`items`, `type`, a writer union's branch, ...).
    pub(super) fn push(&mut self, token: Token) {
        self.tokens.push((Some(token), Some(token)));
    }

    /// A step with a token of its own on each side (a field's index in each record), or
    /// on one side only.
    pub(super) fn push_split(&mut self, reader: Option<Token>, writer: Option<Token>) {
        self.tokens.push((reader, writer));
    }

    pub(super) fn pop(&mut self) {
        self.tokens.pop();
    }

    pub(super) fn enter_reader(&mut self, origin: Origin) {
        self.reader_origins.push(origin);
    }

    pub(super) fn leave_reader(&mut self) {
        self.reader_origins.pop();
    }

    pub(super) fn enter_writer(&mut self, origin: Origin) {
        self.writer_origins.push(origin);
    }

    pub(super) fn leave_writer(&mut self) {
        self.writer_origins.pop();
    }

    /// The pointer as Java's `getLocation()` renders it: `/` alone for the root, tokens
    /// escaped per RFC 6901 (`~` → `~0`, `/` → `~1`; keywords and numbers never need it).
    pub(super) fn pointer(&self) -> String {
        let tokens: Vec<Token> = self.tokens.iter().filter_map(|(reader, _)| *reader).collect();
        pointer(&tokens)
    }

    /// The pointer to the same element in the writer schema.
    pub(super) fn writer_pointer(&self) -> String {
        let tokens: Vec<Token> = self.tokens.iter().filter_map(|(_, writer)| *writer).collect();
        pointer(&tokens)
    }

    pub(super) fn reader_position(&self) -> Position {
        position(self.reader_set, self.reader_origins.last(), self.reader_root)
    }

    pub(super) fn writer_position(&self) -> Position {
        position(self.writer_set, self.writer_origins.last(), self.writer_root)
    }
}

/// Renders pointer tokens.
pub(super) fn pointer(tokens: &[Token]) -> String {
    if tokens.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(tokens.len() * 6);
    for token in tokens {
        out.push('/');
        match token {
            Token::Key(key) => out.push_str(key),
            Token::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

fn position(set: &SchemaSet, origin: Option<&Origin>, root_file: Option<usize>) -> Position {
    match origin {
        Some(origin) => {
            let file = set.file(*origin);
            let at = file.line_column(origin.span.start);
            Position {
                file: file.path().to_owned(),
                line: at.line,
                column: at.column,
            }
        }
        None => match root_file.and_then(|index| set.files.get(index)) {
            Some(file) => Position {
                file: file.path().to_owned(),
                line: 1,
                column: 1,
            },
            None => Position::default(),
        },
    }
}

/// The file whose top-level schema `schema` is, for roots that carry no origin themselves.
fn root_file(set: &SchemaSet, schema: &Schema) -> Option<usize> {
    if let Schema::Named(id) = schema {
        return Some(set.get(*id).origin.file);
    }
    set.roots.iter().position(|root| root == schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_a_lone_slash_and_tokens_join() {
        assert_eq!(pointer(&[]), "/");
        assert_eq!(
            pointer(&[Token::Key("fields"), Token::Index(3), Token::Key("type")]),
            "/fields/3/type"
        );
        assert_eq!(pointer(&[Token::Index(2)]), "/2");
    }
}
