//! Checking that a page is SPARQL 1.1 JSON results and merging pages into one document
//! with the first page's variables and all the bindings in page order.

use serde_json::{Map, Value, json};

/// One checked page: its variables and its bindings, each a JSON object of terms.
pub(crate) struct Page {
    pub vars: Vec<String>,
    pub bindings: Vec<Value>,
}

/// Reads `bytes` as SPARQL 1.1 JSON results; the error says what is wrong and quotes the
/// start of the body when it is not JSON at all.
pub(crate) fn read_page(bytes: &[u8]) -> Result<Page, String> {
    let document: Value = serde_json::from_slice(bytes).map_err(|error| {
        format!(
            "the body is not JSON ({error}); it starts with {:?}",
            excerpt(&String::from_utf8_lossy(bytes), 200)
        )
    })?;
    let Value::Object(mut document) = document else {
        return Err("the body is JSON but not an object with `head` and `results`".into());
    };
    let vars = match document.get("head").and_then(|head| head.get("vars")) {
        Some(Value::Array(vars)) => vars
            .iter()
            .map(|var| {
                var.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`head.vars` holds {var}, which is not a string"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err("there is no `head.vars` array of variable names".into()),
    };
    let bindings = match document
        .get_mut("results")
        .and_then(|results| results.get_mut("bindings"))
    {
        Some(Value::Array(bindings)) => std::mem::take(bindings),
        _ => return Err("there is no `results.bindings` array".into()),
    };
    for (index, binding) in bindings.iter().enumerate() {
        let Value::Object(terms) = binding else {
            return Err(format!("`results.bindings[{index}]` is not an object"));
        };
        if let Some((name, _)) = terms
            .iter()
            .find(|(_, term)| !term.get("value").is_some_and(Value::is_string))
        {
            return Err(format!(
                "`results.bindings[{index}].{name}` is not a term with a string `value`"
            ));
        }
    }
    Ok(Page { vars, bindings })
}

/// One SPARQL 1.1 JSON results document with `vars` and `bindings`.
pub(crate) fn document(vars: &[String], bindings: Vec<Value>) -> Value {
    let mut results = Map::new();
    results.insert("bindings".into(), Value::Array(bindings));
    json!({ "head": { "vars": vars }, "results": results })
}

/// The first `max_chars` characters of `text` (never cutting a character in two), with
/// "…" when something was left out.
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
