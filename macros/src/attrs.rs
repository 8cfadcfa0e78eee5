//! The `#[avro(...)]` attributes.

use syn::{Attribute, LitStr};

/// Container attributes.
#[derive(Default)]
pub struct ContainerAttrs {
    pub schema: Option<LitStr>,
    pub schema_json: Option<LitStr>,
    pub schema_dir: Option<LitStr>,
    pub name: Option<LitStr>,
}

/// Field or variant attributes.
#[derive(Default)]
pub struct MemberAttrs {
    pub rename: Option<LitStr>,
    /// `repr = "T"`: the field's type is an `AvroAdapter` over `T`, the schema's natural
    /// type, which is what the derive checks against the schema.
    pub repr: Option<syn::Type>,
}

pub fn container(attrs: &[Attribute]) -> syn::Result<ContainerAttrs> {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("avro")) {
        attr.parse_nested_meta(|meta| {
            let slot = if meta.path.is_ident("schema") {
                &mut out.schema
            } else if meta.path.is_ident("schema_json") {
                &mut out.schema_json
            } else if meta.path.is_ident("schema_dir") {
                &mut out.schema_dir
            } else if meta.path.is_ident("name") {
                &mut out.name
            } else {
                return Err(
                    meta.error("unknown avro attribute; expected `schema`, `schema_json`, `schema_dir` or `name`")
                );
            };
            *slot = Some(meta.value()?.parse()?);
            Ok(())
        })?;
    }
    Ok(out)
}

pub fn member(attrs: &[Attribute]) -> syn::Result<MemberAttrs> {
    let mut out = MemberAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("avro")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("repr") {
                let text: LitStr = meta.value()?.parse()?;
                out.repr = Some(text.parse()?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown avro attribute; expected `rename = \"wire name\"` or `repr = \"natural Rust type\"`",
                ))
            }
        })?;
    }
    Ok(out)
}
