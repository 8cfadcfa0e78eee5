//! Recursive descent over the tokens of one `.avdl` file, building the JSON tree an
//! `.avsc` author would have written for the same types, every value spanning the IDL
//! text it came from.

use super::lexer::{Token, TokenKind, tokenize};
use super::{IdlFile, Import, ImportKind, SyntaxError};
use crate::json::{Json, JsonKind, Member};
use crate::source::Span;

/// Deep enough for any real schema, shallow enough that hostile input cannot overflow the
/// stack of the recursive descent.
const MAX_DEPTH: usize = 256;

/// The named-type keywords that start a declaration.
const DECLARATIONS: [&str; 4] = ["record", "error", "enum", "fixed"];

/// Parses one `.avdl` text.
pub(super) fn parse(text: &str) -> Result<IdlFile, SyntaxError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        file_span: Span::new(0, text.len()),
        imports: Vec::new(),
    };
    parser.file()
}

/// An annotation `@name(value)`.
struct Property {
    name: String,
    /// From the `@` to the end of the name.
    span: Span,
    value: Json,
}

/// A parsed type before it is placed: a nullable type becomes a union only in its field,
/// where a non-null default puts `null` second.
struct TypeExpr {
    /// The type, or for `T?` the type `T`.
    json: Json,
    /// Where the type's text is, `?` included.
    span: Span,
    nullable: bool,
    /// A bare name: a reference to a named type.
    reference: bool,
    union: bool,
}

impl TypeExpr {
    /// The schema of a field with this type and `default`.
    fn finish(&self, default: Option<&Json>) -> Json {
        if !self.nullable {
            return self.json.clone();
        }
        let null = string(Span::new(self.span.end - 1, self.span.end), "null");
        let non_null_default = default.is_some_and(|d| d.kind != JsonKind::Null);
        let branches = if non_null_default {
            vec![self.json.clone(), null]
        } else {
            vec![null, self.json.clone()]
        };
        Json {
            span: self.span,
            kind: JsonKind::Array(branches),
        }
    }
}

fn string(span: Span, text: &str) -> Json {
    Json {
        span,
        kind: JsonKind::String(text.to_owned()),
    }
}

fn member(key: &str, key_span: Span, value: Json) -> Member {
    Member {
        key: key.to_owned(),
        key_span,
        value,
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    file_span: Span,
    imports: Vec<Import>,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn next(&mut self) -> Token {
        let token = self.tokens[self.pos].clone();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    /// The end of the last token consumed.
    fn last_end(&self) -> usize {
        self.pos.checked_sub(1).map_or(0, |i| self.tokens[i].span.end)
    }

    fn at_punct(&self, c: char) -> bool {
        self.peek().kind == TokenKind::Punct(c)
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let found = self.at_punct(c);
        if found {
            self.next();
        }
        found
    }

    fn error(span: Span, message: impl Into<String>, hint: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// "expected X, found Y" at the next token.
    fn unexpected(&self, expected: &str, hint: impl Into<String>) -> SyntaxError {
        let token = self.peek();
        Self::error(
            token.span,
            format!("expected {expected}, found {}", token.describe()),
            hint,
        )
    }

    fn expect_punct(&mut self, c: char, context: &str, hint: &str) -> Result<Span, SyntaxError> {
        if self.at_punct(c) {
            Ok(self.next().span)
        } else {
            Err(self.unexpected(&format!("`{c}` {context}"), hint))
        }
    }

    fn expect_ident(&mut self, what: &str, hint: &str) -> Result<(String, Span), SyntaxError> {
        match &self.peek().kind {
            TokenKind::Ident { text, .. } => {
                let text = text.clone();
                Ok((text, self.next().span))
            }
            _ => Err(self.unexpected(what, hint)),
        }
    }

    fn enter(&mut self, span: Span) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Self::error(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                "flatten the type: name the inner types and refer to them",
            ));
        }
        Ok(())
    }

    fn file(&mut self) -> Result<IdlFile, SyntaxError> {
        if self.peek().kind == TokenKind::Eof {
            return Err(Self::error(
                Span::new(0, 0),
                "the IDL file is empty",
                "write a protocol (`protocol Name { ... }`) or schema declarations (`namespace x; record Name { ... }`), or delete the file",
            ));
        }
        let start = self.pos;
        let doc = self.peek().doc.clone();
        let properties = self.properties()?;
        if self.peek().is_keyword("protocol") {
            return self.protocol(doc, properties);
        }
        self.pos = start;
        self.schema_file()
    }

    /// `protocol Name { ... }`: its types; its messages are checked for syntax and dropped.
    fn protocol(&mut self, _doc: Option<(String, Span)>, properties: Vec<Property>) -> Result<IdlFile, SyntaxError> {
        self.next();
        self.expect_ident("the protocol's name", "a protocol is written `protocol Name { ... }`")?;
        let mut namespace = None;
        for property in properties {
            if property.name == "namespace" {
                namespace = Some(namespace_of(&property)?);
            }
        }
        let open = self.expect_punct(
            '{',
            "after the protocol's name",
            "a protocol's types and messages are written between `{` and `}`",
        )?;
        let types = self.braced_body(
            open,
            "the protocol's `{` is never closed",
            "end the protocol with `}`",
            |parser, types| {
                if !parser.declaration(types, namespace.as_ref())? {
                    parser.message()?;
                }
                Ok(())
            },
        )?;
        if self.peek().kind != TokenKind::Eof {
            return Err(self.unexpected(
                "the end of the file after the protocol",
                "a file holds one protocol; move the rest inside its braces or into another file",
            ));
        }
        Ok(IdlFile {
            types: Json {
                span: self.file_span,
                kind: JsonKind::Array(types),
            },
            main: None,
            namespace: namespace.map(|(ns, _)| ns),
            imports: std::mem::take(&mut self.imports),
        })
    }

    /// The schema syntax: `namespace x;`, `schema Type;`, then imports and named types.
    fn schema_file(&mut self) -> Result<IdlFile, SyntaxError> {
        let mut namespace = None;
        if self.peek().is_keyword("namespace") {
            self.next();
            let (name, span) = self.expect_ident("a namespace after `namespace`", "write `namespace org.example;`")?;
            self.expect_punct(';', "after the namespace", "write `namespace org.example;`")?;
            namespace = Some((name, span));
        }
        let mut main = None;
        if self.peek().is_keyword("schema") {
            self.next();
            let ty = self.full_type()?;
            self.expect_punct(
                ';',
                "after the main schema",
                "write `schema Type;` with the type the file describes",
            )?;
            main = Some(ty.finish(None));
        }
        let mut types = Vec::new();
        while self.peek().kind != TokenKind::Eof {
            if self.declaration(&mut types, namespace.as_ref())? {
                continue;
            }
            let hint = match &self.peek().kind {
                TokenKind::Punct('{') | TokenKind::Str(_) => {
                    "this looks like JSON: an .avdl file holds Avro IDL (`record Name { string field; }`); JSON schemas belong in .avsc files"
                }
                _ if self.peek().is_keyword("namespace") || self.peek().is_keyword("schema") => {
                    "`namespace x;` and `schema Type;` come first in the file, in that order, once each"
                }
                _ => {
                    "a schema file holds `namespace x;`, `schema Type;`, imports and record, error, enum or fixed declarations; a protocol is written `protocol Name { ... }`"
                }
            };
            return Err(self.unexpected("a declaration (`record`, `enum`, `fixed`, `error` or `import`)", hint));
        }
        Ok(IdlFile {
            types: Json {
                span: self.file_span,
                kind: JsonKind::Array(types),
            },
            main,
            namespace: namespace.map(|(ns, _)| ns),
            imports: std::mem::take(&mut self.imports),
        })
    }

    /// An import, or a named type with its doc comment and annotations, as both file
    /// syntaxes and a protocol's body hold them. `Ok(false)` when what follows the
    /// annotations is neither: the caller reads it (a protocol's message) or refuses it.
    fn declaration(&mut self, types: &mut Vec<Json>, namespace: Option<&(String, Span)>) -> Result<bool, SyntaxError> {
        if self.peek().is_keyword("import") {
            self.import()?;
            return Ok(true);
        }
        let doc = self.peek().doc.clone();
        let start = self.peek().span.start;
        let properties = self.properties()?;
        if DECLARATIONS.iter().any(|k| self.peek().is_keyword(k)) {
            types.push(self.named(doc, start, properties, namespace)?);
            return Ok(true);
        }
        Ok(false)
    }

    /// The items of a body whose `{` is `open`, up to its `}`. `item` pushes what it reads
    /// (a field declaration can declare several fields, a protocol's message none). A body
    /// cut short is reported at its `{`: the error an item would give at the end of the file
    /// says nothing of which brace is missing its partner.
    fn braced_body<T>(
        &mut self,
        open: Span,
        unclosed: &str,
        close_hint: &str,
        mut item: impl FnMut(&mut Self, &mut Vec<T>) -> Result<(), SyntaxError>,
    ) -> Result<Vec<T>, SyntaxError> {
        let mut items = Vec::new();
        while !self.eat_punct('}') {
            if self.peek().kind == TokenKind::Eof {
                return Err(Self::error(open, unclosed, close_hint));
            }
            item(self, &mut items)?;
        }
        Ok(items)
    }

    /// Items separated by `,` up to `close`, the opening token already read; `may_be_empty`
    /// allows `close` at once. `item` is shown the items read so far, for duplicate checks
    /// and for a hint when a trailing comma leaves it facing `close`.
    fn comma_separated<T>(
        &mut self,
        close: char,
        may_be_empty: bool,
        context: &str,
        hint: &str,
        mut item: impl FnMut(&mut Self, &[T]) -> Result<T, SyntaxError>,
    ) -> Result<Vec<T>, SyntaxError> {
        let mut items = Vec::new();
        if may_be_empty && self.eat_punct(close) {
            return Ok(items);
        }
        loop {
            let next = item(self, &items)?;
            items.push(next);
            if !self.eat_punct(',') {
                self.expect_punct(close, context, hint)?;
                return Ok(items);
            }
        }
    }

    /// `c name` when the next token is `c`: the span of `c`, then the name and its span.
    fn introduced_ident(
        &mut self,
        c: char,
        what: &str,
        hint: &str,
    ) -> Result<Option<(Span, String, Span)>, SyntaxError> {
        if !self.at_punct(c) {
            return Ok(None);
        }
        let introducer = self.next().span;
        let (name, span) = self.expect_ident(what, hint)?;
        Ok(Some((introducer, name, span)))
    }

    fn import(&mut self) -> Result<(), SyntaxError> {
        let start = self.next().span.start;
        let kind = match &self.peek().kind {
            TokenKind::Ident { text, quoted: false } if text == "idl" => ImportKind::Idl,
            TokenKind::Ident { text, quoted: false } if text == "schema" => ImportKind::Schema,
            TokenKind::Ident { text, quoted: false } if text == "protocol" => ImportKind::Protocol,
            _ => {
                return Err(self.unexpected(
                    "`idl`, `schema` or `protocol` after `import`",
                    "write `import idl \"x.avdl\";`, `import schema \"x.avsc\";` or `import protocol \"x.avpr\";`",
                ));
            }
        };
        self.next();
        let (path, span) = match &self.peek().kind {
            TokenKind::Str(path) => (path.clone(), self.peek().span),
            _ => {
                return Err(self.unexpected(
                    "the imported file's path as a string",
                    "write the path in double quotes, relative to this file: `import idl \"common.avdl\";`",
                ));
            }
        };
        self.next();
        self.expect_punct(';', "after the import", "end the import with `;`")?;
        self.imports.push(Import {
            kind,
            path,
            span,
            statement: Span::new(start, self.last_end()),
        });
        Ok(())
    }

    /// Annotations `@name(json)`, as many as are written.
    fn properties(&mut self) -> Result<Vec<Property>, SyntaxError> {
        let mut properties: Vec<Property> = Vec::new();
        while let Some((at, name, name_span)) = self.introduced_ident(
            '@',
            "an annotation name after `@`",
            "an annotation is written `@name(value)`, such as `@namespace(\"org.example\")`",
        )? {
            let span = Span::new(at.start, name_span.end);
            self.expect_punct(
                '(',
                &format!("after `@{name}`"),
                "an annotation's value is JSON in parentheses: `@name(\"text\")`, `@name(3)`, `@name([\"a\"])`",
            )?;
            let value = self.json_value()?;
            self.expect_punct(
                ')',
                &format!("after the value of `@{name}`"),
                "an annotation holds one JSON value",
            )?;
            if properties.iter().any(|p| p.name == name) {
                return Err(Self::error(
                    span,
                    format!("duplicate annotation `@{name}`"),
                    "keep only one of them",
                ));
            }
            properties.push(Property { name, span, value });
        }
        Ok(properties)
    }

    /// A record, error, enum or fixed declaration, as its `.avsc` object.
    fn named(
        &mut self,
        doc: Option<(String, Span)>,
        start: usize,
        properties: Vec<Property>,
        default_namespace: Option<&(String, Span)>,
    ) -> Result<Json, SyntaxError> {
        let keyword = self.next();
        let TokenKind::Ident { text: kind, .. } = &keyword.kind else {
            unreachable!("named() is called at a declaration keyword");
        };
        let kind = kind.clone();
        let (name, name_span) = self.expect_ident(
            &format!("the {kind}'s name"),
            &format!("a {kind} is declared `{kind} Name ...`"),
        )?;
        let mut members = vec![
            member("type", keyword.span, string(keyword.span, &kind)),
            member("name", name_span, string(name_span, &name)),
        ];
        let explicit_namespace = properties.iter().find(|p| p.name == "namespace");
        if let Some(property) = explicit_namespace {
            let (namespace, span) = namespace_of(property)?;
            members.push(member("namespace", property.span, string(span, &namespace)));
        } else if let Some((namespace, span)) = default_namespace.filter(|_| !name.contains('.')) {
            members.push(member("namespace", *span, string(*span, namespace)));
        }
        if let Some((text, span)) = doc {
            members.push(member("doc", span, string(span, &text)));
        }
        let reserved: &[&str] = match kind.as_str() {
            "enum" => &["type", "name", "doc", "symbols", "default"],
            "fixed" => &["type", "name", "doc", "size"],
            _ => &["type", "name", "doc", "fields"],
        };
        push_properties(&mut members, properties, &["namespace"], reserved, &kind)?;
        match kind.as_str() {
            "enum" => self.enum_body(&mut members)?,
            "fixed" => self.fixed_body(&mut members)?,
            _ => self.record_body(&mut members, &name)?,
        }
        Ok(Json {
            span: Span::new(start, self.last_end()),
            kind: JsonKind::Object(members),
        })
    }

    fn record_body(&mut self, members: &mut Vec<Member>, record: &str) -> Result<(), SyntaxError> {
        let open = self.expect_punct(
            '{',
            &format!("after the name `{record}`"),
            "a record's fields are written between `{` and `}`: `record Name { string field; }`",
        )?;
        let fields = self.braced_body(
            open,
            &format!("the `{{` of `{record}` is never closed"),
            "end the record with `}`",
            Self::field_declaration,
        )?;
        members.push(member(
            "fields",
            open,
            Json {
                span: Span::new(open.start, self.last_end()),
                kind: JsonKind::Array(fields),
            },
        ));
        Ok(())
    }

    /// `Type name [= default], other [= default];`: one field per name, sharing the type.
    fn field_declaration(&mut self, fields: &mut Vec<Json>) -> Result<(), SyntaxError> {
        let doc = self.peek().doc.clone();
        let start = self.peek().span.start;
        let ty = self.full_type()?;
        loop {
            let field_start = self.peek().span.start;
            let own_doc = self.peek().doc.clone();
            let properties = self.properties()?;
            let hint = if self.at_punct('<') {
                "only array<...> and map<...> take a type in angle brackets; a nullable type is written `string?`"
            } else {
                "a field is declared `Type name;` or `Type name = default;`"
            };
            let (name, name_span) = self.expect_ident("a field name", hint)?;
            let default = if self.eat_punct('=') {
                Some(self.json_value()?)
            } else {
                None
            };
            let mut members = vec![
                member("name", name_span, string(name_span, &name)),
                member("type", ty.span, ty.finish(default.as_ref())),
            ];
            if let Some((text, span)) = own_doc.or_else(|| doc.clone()) {
                members.push(member("doc", span, string(span, &text)));
            }
            if let Some(default) = default {
                members.push(member("default", default.span, default));
            }
            push_properties(
                &mut members,
                properties,
                &[],
                &["name", "type", "doc", "default"],
                "field",
            )?;
            fields.push(Json {
                span: Span::new(start.min(field_start), self.last_end()),
                kind: JsonKind::Object(members),
            });
            if self.eat_punct(',') {
                continue;
            }
            self.expect_punct(
                ';',
                &format!("after the field `{name}`"),
                "end each field declaration with `;` (several fields of one type are separated by `,`)",
            )?;
            return Ok(());
        }
    }

    fn enum_body(&mut self, members: &mut Vec<Member>) -> Result<(), SyntaxError> {
        let open = self.expect_punct(
            '{',
            "after the enum's name",
            "an enum's symbols are written between `{` and `}`: `enum Suit { HEARTS, SPADES }`",
        )?;
        let symbols = self.comma_separated(
            '}',
            true,
            "or `,` after the symbol",
            "symbols are separated by `,` and the list ends with `}`",
            |parser, _| {
                // Java's reader keeps neither a symbol's doc comment nor its annotations.
                parser.properties()?;
                let hint = if parser.at_punct('}') {
                    "remove the comma after the last symbol"
                } else {
                    "symbols are names separated by `,`: `enum Suit { HEARTS, SPADES }`"
                };
                let (symbol, span) = parser.expect_ident("a symbol", hint)?;
                Ok(string(span, &symbol))
            },
        )?;
        members.push(member(
            "symbols",
            open,
            Json {
                span: Span::new(open.start, self.last_end()),
                kind: JsonKind::Array(symbols),
            },
        ));
        if let Some((equals, symbol, span)) = self.introduced_ident(
            '=',
            "the default symbol after `=`",
            "an enum's default is one of its symbols: `enum Suit { HEARTS, SPADES } = HEARTS;`",
        )? {
            members.push(member("default", equals, string(span, &symbol)));
            self.expect_punct(';', "after the enum's default", "end the default with `;`")?;
        }
        Ok(())
    }

    fn fixed_body(&mut self, members: &mut Vec<Member>) -> Result<(), SyntaxError> {
        let hint = "a fixed type is declared with its size in bytes: `fixed MD5(16);`";
        self.expect_punct('(', "after the fixed type's name", hint)?;
        let size = match &self.peek().kind {
            TokenKind::Int(text) => Json {
                span: self.peek().span,
                kind: JsonKind::Number(text.clone()),
            },
            _ => return Err(self.unexpected("the size in bytes", hint)),
        };
        self.next();
        members.push(member("size", size.span, size));
        self.expect_punct(')', "after the size", hint)?;
        self.expect_punct(';', "after the fixed declaration", "end the declaration with `;`")?;
        Ok(())
    }

    /// A message `Result name(params) [oneway | throws E, ...];`: parsed so that its
    /// syntax is checked, then dropped (the IR holds types only).
    fn message(&mut self) -> Result<(), SyntaxError> {
        let hint = "a protocol holds imports, record, error, enum and fixed declarations, and messages such as `string hello(string greeting);`";
        if self.peek().is_keyword("void") {
            self.next();
        } else if matches!(self.peek().kind, TokenKind::Ident { .. }) {
            self.plain_type()?;
        } else {
            return Err(self.unexpected("a declaration or a message", hint));
        }
        let (name, _) = self.expect_ident("the message's name", hint)?;
        self.expect_punct('(', &format!("after the message name `{name}`"), hint)?;
        self.comma_separated(
            ')',
            true,
            "after the parameters",
            "parameters are separated by `,`",
            |parser, _| {
                parser.full_type()?;
                parser.properties()?;
                parser.expect_ident("a parameter name", "a parameter is declared `Type name`")?;
                if parser.eat_punct('=') {
                    parser.json_value()?;
                }
                Ok(())
            },
        )?;
        if self.peek().is_keyword("oneway") {
            self.next();
        } else if self.peek().is_keyword("throws") {
            self.next();
            loop {
                self.expect_ident("an error type after `throws`", "write `throws ErrorType, OtherError`")?;
                if !self.eat_punct(',') {
                    break;
                }
            }
        }
        self.expect_punct(';', &format!("after the message `{name}`"), "end the message with `;`")?;
        Ok(())
    }

    /// Annotations then a type: the annotations become properties of the type.
    fn full_type(&mut self) -> Result<TypeExpr, SyntaxError> {
        let properties = self.properties()?;
        let mut ty = self.plain_type()?;
        let Some(first) = properties.first() else {
            return Ok(ty);
        };
        if ty.reference {
            return Err(Self::error(
                first.span,
                "a reference to a named type cannot carry annotations",
                "annotate the type where it is declared, or the field by writing the annotation after the type: `Type @order(\"ignore\") name;`",
            ));
        }
        if ty.union {
            return Err(Self::error(
                first.span,
                "a union cannot carry annotations",
                "annotate its branches instead: `union { null, @p(1) string }`",
            ));
        }
        let mut members = match ty.json.kind {
            JsonKind::String(name) => vec![member("type", ty.json.span, string(ty.json.span, &name))],
            JsonKind::Object(members) => members,
            _ => unreachable!("only unions are arrays, and they were refused above"),
        };
        let reserved: &[&str] = match members[0].value.as_str() {
            Some("array") => &["type", "items"],
            Some("map") => &["type", "values"],
            _ => &["type"],
        };
        push_properties(&mut members, properties, &[], reserved, "type")?;
        ty.json = Json {
            span: ty.json.span,
            kind: JsonKind::Object(members),
        };
        Ok(ty)
    }

    fn plain_type(&mut self) -> Result<TypeExpr, SyntaxError> {
        let token = self.peek().clone();
        self.enter(token.span)?;
        let ty = self.plain_type_inner(&token);
        self.depth -= 1;
        let mut ty = ty?;
        if self.at_punct('?') {
            let question = self.next().span;
            if ty.union || ty.nullable {
                return Err(Self::error(
                    question,
                    "a union cannot be made nullable with `?`",
                    "add `null` as a branch instead: `union { null, string, int }`",
                ));
            }
            ty.nullable = true;
            ty.span.end = question.end;
        }
        Ok(ty)
    }

    fn plain_type_inner(&mut self, token: &Token) -> Result<TypeExpr, SyntaxError> {
        let TokenKind::Ident { text, quoted } = &token.kind else {
            return Err(self.unexpected(
                "a type",
                "a type is a primitive (`string`, `long`, ...), a logical type (`date`, `decimal(9,2)`, ...), `array<T>`, `map<T>`, `union { A, B }`, or a named type's name",
            ));
        };
        self.next();
        let keyword = if *quoted { "" } else { text.as_str() };
        let span = token.span;
        let typed = |kind: &str, logical: &str| {
            vec![
                member("type", span, string(span, kind)),
                member("logicalType", span, string(span, logical)),
            ]
        };
        let (json, reference, union) = match keyword {
            "boolean" | "int" | "long" | "float" | "double" | "bytes" | "string" | "null" => {
                (string(span, keyword), false, false)
            }
            "date" => (self.object(span, typed("int", "date")), false, false),
            "time_ms" => (self.object(span, typed("int", "time-millis")), false, false),
            "timestamp_ms" => (self.object(span, typed("long", "timestamp-millis")), false, false),
            "local_timestamp_ms" => (self.object(span, typed("long", "local-timestamp-millis")), false, false),
            "uuid" => (self.object(span, typed("string", "uuid")), false, false),
            "decimal" => {
                let mut members = typed("bytes", "decimal");
                self.decimal_parameters(&mut members)?;
                (self.object(span, members), false, false)
            }
            "array" | "map" => {
                let open_hint = format!("write `{keyword}<T>`, such as `{keyword}<string>`");
                self.expect_punct('<', &format!("after `{keyword}`"), &open_hint)?;
                let inner = self.full_type()?;
                self.expect_punct('>', &format!("to close `{keyword}<`"), &open_hint)?;
                let key = if keyword == "array" { "items" } else { "values" };
                let members = vec![
                    member("type", span, string(span, keyword)),
                    member(key, inner.span, inner.finish(None)),
                ];
                (self.object(span, members), false, false)
            }
            "union" => {
                let hint = "a union lists its branches between braces: `union { null, string }`";
                self.expect_punct('{', "after `union`", hint)?;
                // Unlike a list of symbols, a union may not be empty: `union {}` is refused
                // where its first branch should be.
                let branches =
                    self.comma_separated('}', false, "or `,` after the union branch", hint, |parser, _| {
                        Ok(parser.full_type()?.finish(None))
                    })?;
                let json = Json {
                    span: Span::new(span.start, self.last_end()),
                    kind: JsonKind::Array(branches),
                };
                (json, false, true)
            }
            _ => (string(span, text), true, false),
        };
        Ok(TypeExpr {
            span: Span::new(span.start, self.last_end()),
            json,
            nullable: false,
            reference,
            union,
        })
    }

    /// An object spanning from `start` to the last token consumed.
    fn object(&self, start: Span, members: Vec<Member>) -> Json {
        Json {
            span: Span::new(start.start, self.last_end().max(start.end)),
            kind: JsonKind::Object(members),
        }
    }

    /// `(precision[, scale])` after `decimal`.
    fn decimal_parameters(&mut self, members: &mut Vec<Member>) -> Result<(), SyntaxError> {
        let hint = "write `decimal(precision, scale)`, such as `decimal(9, 2)`";
        self.expect_punct('(', "after `decimal`", hint)?;
        let mut number = |parser: &mut Self, key: &str| match &parser.peek().kind {
            TokenKind::Int(text) => {
                let value = Json {
                    span: parser.peek().span,
                    kind: JsonKind::Number(text.clone()),
                };
                parser.next();
                members.push(member(key, value.span, value));
                Ok(())
            }
            _ => Err(parser.unexpected(&format!("the {key} (an integer)"), hint)),
        };
        number(self, "precision")?;
        if self.eat_punct(',') {
            number(self, "scale")?;
        }
        self.expect_punct(')', "after the decimal's parameters", hint)?;
        Ok(())
    }

    /// A JSON value written in IDL: a default or an annotation's value.
    fn json_value(&mut self) -> Result<Json, SyntaxError> {
        let token = self.peek().clone();
        self.enter(token.span)?;
        let value = self.json_value_inner(token);
        self.depth -= 1;
        value
    }

    fn json_value_inner(&mut self, token: Token) -> Result<Json, SyntaxError> {
        let hint = "a value is JSON: null, true, false, a number, a \"string\", [an, array] or {\"an\": \"object\"}";
        let kind = match &token.kind {
            TokenKind::Str(text) => JsonKind::String(text.clone()),
            TokenKind::Int(text) => JsonKind::Number(text.clone()),
            // JSON has no NaN or infinities; Avro writes those defaults as strings.
            TokenKind::Float(text) if text.ends_with("NaN") || text.ends_with("Infinity") => {
                JsonKind::String(text.clone())
            }
            TokenKind::Float(text) => JsonKind::Number(text.clone()),
            TokenKind::Ident { text, quoted: false } if text == "null" => JsonKind::Null,
            TokenKind::Ident { text, quoted: false } if text == "true" => JsonKind::Bool(true),
            TokenKind::Ident { text, quoted: false } if text == "false" => JsonKind::Bool(false),
            TokenKind::Punct('[') => {
                self.next();
                return self.json_array(token.span);
            }
            TokenKind::Punct('{') => {
                self.next();
                return self.json_object(token.span);
            }
            TokenKind::Ident { text, .. } => {
                return Err(Self::error(
                    token.span,
                    format!("expected a JSON value, found the name `{text}`"),
                    format!("{hint}; an enum symbol or a string is written in quotes: \"{text}\""),
                ));
            }
            _ => return Err(self.unexpected("a JSON value", hint)),
        };
        self.next();
        Ok(Json { span: token.span, kind })
    }

    fn json_array(&mut self, open: Span) -> Result<Json, SyntaxError> {
        let items = self.comma_separated(
            ']',
            true,
            "or `,` in the array",
            "elements are separated by `,` and the array ends with `]`",
            |parser, items| {
                if parser.at_punct(']') && !items.is_empty() {
                    return Err(parser.unexpected("a JSON value", "remove the comma after the last element"));
                }
                parser.json_value()
            },
        )?;
        Ok(Json {
            span: Span::new(open.start, self.last_end()),
            kind: JsonKind::Array(items),
        })
    }

    fn json_object(&mut self, open: Span) -> Result<Json, SyntaxError> {
        let members = self.comma_separated(
            '}',
            true,
            "or `,` in the object",
            "members are separated by `,` and the object ends with `}`",
            |parser, members: &[Member]| {
                let key = match &parser.peek().kind {
                    TokenKind::Str(key) => key.clone(),
                    _ => {
                        let hint = if parser.at_punct('}') {
                            "remove the comma after the last member"
                        } else {
                            "an object's keys are strings: {\"key\": value}"
                        };
                        return Err(parser.unexpected("a quoted key", hint));
                    }
                };
                let key_span = parser.next().span;
                if members.iter().any(|m| m.key == key) {
                    return Err(Self::error(
                        key_span,
                        format!("duplicate key \"{key}\" in one object"),
                        "keep only one of them",
                    ));
                }
                parser.expect_punct(':', "after the key", "write {\"key\": value}")?;
                let value = parser.json_value()?;
                Ok(Member { key, key_span, value })
            },
        )?;
        Ok(Json {
            span: Span::new(open.start, self.last_end()),
            kind: JsonKind::Object(members),
        })
    }
}

/// The value of `@namespace(...)`, which must be a string.
fn namespace_of(property: &Property) -> Result<(String, Span), SyntaxError> {
    match property.value.as_str() {
        Some(namespace) => Ok((namespace.to_owned(), property.value.span)),
        None => Err(Parser::error(
            property.value.span,
            format!("`@namespace` takes a string, found {}", property.value.kind_name()),
            "write `@namespace(\"org.example\")`",
        )),
    }
}

/// Adds annotations as members: `consumed` ones were handled by the caller, `reserved`
/// ones are refused (they would overwrite what the IDL syntax itself says).
fn push_properties(
    members: &mut Vec<Member>,
    properties: Vec<Property>,
    consumed: &[&str],
    reserved: &[&str],
    what: &str,
) -> Result<(), SyntaxError> {
    for property in properties {
        if consumed.contains(&property.name.as_str()) {
            continue;
        }
        if reserved.contains(&property.name.as_str()) || members.iter().any(|m| m.key == property.name) {
            return Err(Parser::error(
                property.span,
                format!("`@{}` cannot annotate a {what}", property.name),
                format!(
                    "`{}` is set by the IDL syntax itself; an annotation adds a custom property, and these names are reserved: {}",
                    property.name,
                    reserved.join(", ")
                ),
            ));
        }
        members.push(member(&property.name, property.span, property.value));
    }
    Ok(())
}
