//! JSON API handlers.

use axum::body::to_bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use storyline_ingest::{article_from_json, ReadOptions};
use storyline_store::{list_stories, parse_since, StoryFilter};

use crate::{blocking, ApiError, AppState};

pub(crate) async fn health(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let backend = s.store.backend();
    let c = blocking(&s, |st| Ok(st.counts()?)).await?;
    Ok(Json(json!({
        "status": "ok",
        "backend": backend,
        "articles": c.articles,
        "stories": c.stories,
        "snapshot_articles": c.snapshot_articles,
        "read_only": s.config.token.is_none(),
    })))
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ListParams {
    pub since: Option<String>,
    pub q: Option<String>,
    pub limit: Option<usize>,
}

impl ListParams {
    pub fn filter(&self) -> Result<StoryFilter, ApiError> {
        let since = match self
            .since
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(parse_since(s).ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("since: {s:?} is not RFC 3339 or YYYY-MM-DD"),
                )
            })?),
            None => None,
        };
        Ok(StoryFilter {
            since,
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            limit: Some(self.limit.unwrap_or(200).min(1000)),
        })
    }
}

pub(crate) async fn stories(
    State(s): State<AppState>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let f = params.filter()?;
    let list = blocking(&s, move |st| Ok(list_stories(st, &f)?)).await?;
    Ok(Json(json!({ "stories": list })))
}

/// The story's JSON as stored (`docs/json.md`, one element of `stories[]`).
pub(crate) async fn story(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let json = blocking(&s, move |st| Ok(st.story_json(&id)?))
        .await?
        .ok_or_else(|| ApiError::not_found("story"))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response())
}

pub(crate) async fn article(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let a = blocking(&s, move |st| Ok(st.article(&id)?))
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    Ok(Json(serde_json::to_value(a).expect("serialisable")))
}

fn authorize(s: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = s.config.token.as_deref() else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "read-only server: start it with --token (or STORYLINE_TOKEN) to accept writes",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if constant_time_eq(g.as_bytes(), token.as_bytes()) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /api/articles`: one JSON object or an array of them, with the fields of a JSON-lines
/// input line. 201 once the new articles are committed.
pub(crate) async fn post_articles(
    State(s): State<AppState>,
    headers: HeaderMap,
    req: Request,
) -> Result<Response, ApiError> {
    if let Err(e) = authorize(&s, &headers) {
        if e.0 == StatusCode::UNAUTHORIZED {
            let mut r = e.into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"storyline\""),
            );
            return Ok(r);
        }
        return Err(e);
    }
    let bytes = to_bytes(req.into_body(), s.config.body_limit)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body over {} bytes", s.config.body_limit),
            )
        })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")))?;
    let records = match value {
        Value::Array(items) => items,
        v @ Value::Object(_) => vec![v],
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "expected an article object or an array of them",
            ))
        }
    };
    if records.len() > s.config.max_batch {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{} articles: at most {} per request",
                records.len(),
                s.config.max_batch
            ),
        ));
    }
    if records.is_empty() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "no articles"));
    }
    let (report, errors) = blocking(&s, move |st| {
        let opts = ReadOptions::default();
        let mut articles = Vec::new();
        let mut errors = Vec::new();
        for (i, r) in records.iter().enumerate() {
            match article_from_json(r, "api", i, &opts) {
                Ok(mut a) => {
                    if a.id == format!("api#{i}") {
                        // No id given: the store names it after its content.
                        a.id.clear();
                    }
                    articles.push(a)
                }
                Err(e) => errors.push(e),
            }
        }
        if articles.is_empty() {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!(
                    "no valid article: {}",
                    errors
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        }
        Ok((st.add_articles(&articles)?, errors))
    })
    .await?;
    s.metrics.ingested(report.added.len() as u64);
    if !report.added.is_empty() {
        s.dirty.notify_one();
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "added": report.added,
            "duplicates": report.duplicates,
            "errors": errors,
        })),
    )
        .into_response())
}
