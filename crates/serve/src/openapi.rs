//! The OpenAPI 3.1 document of the JSON API (hand-written; served at `/api/openapi.json`).

use axum::Json;
use serde_json::{json, Value};

fn error_response(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub(crate) fn spec() -> Value {
    json!({
      "openapi": "3.1.0",
      "info": {
        "title": "Storyline API",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "Stories computed from a store of news articles. Errors are {\"error\": message} with the status code. Writes need `Authorization: Bearer <token>`; a server without a token is read-only (403)."
      },
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
          "StorySummary": {"type": "object", "properties": {
            "id": {"type": "string"}, "rank": {"type": "integer"}, "title": {"type": ["string", "null"]},
            "size": {"type": "integer"}, "originals": {"type": "integer"},
            "first_published": {"type": ["string", "null"], "format": "date-time"},
            "last_published": {"type": ["string", "null"], "format": "date-time"}}},
          "Story": {"type": "object", "description": "One element of `stories[]` of the JSON output (docs/json.md).",
            "properties": {"id": {"type": "string"}, "title": {"type": ["string", "null"]}, "size": {"type": "integer"},
              "originals": {"type": "integer"}, "first_published": {"type": ["string", "null"]},
              "last_published": {"type": ["string", "null"]},
              "articles": {"type": "array", "items": {"type": "object"}}}},
          "Article": {"type": "object", "properties": {
            "id": {"type": "string"}, "key": {"type": "string", "description": "content hash"},
            "title": {"type": ["string", "null"]}, "source": {"type": ["string", "null"]},
            "url": {"type": ["string", "null"]}, "byline": {"type": ["string", "null"]},
            "published": {"type": ["string", "null"]}, "language": {"type": ["string", "null"]},
            "origin": {"type": "string"}, "text": {"type": "string"}, "ingested_at": {"type": "string"},
            "story": {"type": ["string", "null"]}, "copy_of": {"type": ["string", "null"]},
            "copy_kind": {"type": ["string", "null"], "enum": ["exact", "near", null]},
            "similarity": {"type": ["number", "null"]}}},
          "ArticleInput": {"type": "object", "description": "The fields of a JSON-lines input line (README, Input formats).",
            "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "text": {"type": "string"},
              "url": {"type": "string"}, "source": {"type": "string"}, "published": {"type": "string"},
              "author": {"type": "string"}, "language": {"type": "string"}, "html": {"type": "string"}}}
        }
      },
      "paths": {
        "/api/health": {"get": {"summary": "Health and counts", "responses": {"200": {"description": "ok"}}}},
        "/api/stories": {"get": {
          "summary": "Stories, biggest first (or best match first with q)",
          "parameters": [
            {"name": "since", "in": "query", "schema": {"type": "string"}, "description": "RFC 3339 or YYYY-MM-DD: stories with an article at or after it"},
            {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "full-text query over article titles and texts"},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 1000}}],
          "responses": {"200": {"description": "stories", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"stories": {"type": "array", "items": {"$ref": "#/components/schemas/StorySummary"}}}}}}},
            "400": error_response("bad parameter")}}},
        "/api/stories/{id}": {"get": {
          "summary": "One story with its articles and copy relations",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "story", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Story"}}}},
            "404": error_response("no such story")}}},
        "/api/articles/{id}": {"get": {
          "summary": "One article with its text and analysis",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "article", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Article"}}}},
            "404": error_response("no such article")}}},
        "/api/articles": {"post": {
          "summary": "Add articles (one object or an array of at most 1000)",
          "security": [{"bearer": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/ArticleInput"},
            {"type": "array", "maxItems": 1000, "items": {"$ref": "#/components/schemas/ArticleInput"}}]}}}},
          "responses": {
            "201": {"description": "committed: ids added, duplicates skipped, records that could not be read"},
            "400": error_response("invalid JSON or no valid article"),
            "401": error_response("missing or wrong bearer token"),
            "403": error_response("read-only server"),
            "413": error_response("body or batch too large"),
            "429": error_response("rate limit exceeded")}}},
        "/metrics": {"get": {"summary": "Prometheus text format", "responses": {"200": {"description": "metrics"}}}}
      }
    })
}

pub(crate) async fn document() -> Json<Value> {
    Json(spec())
}
