use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyline_dedup::{CopyDetector, MinHashOptions, MinHasher};

fn article(i: usize) -> String {
    let words = [
        "port", "strike", "council", "budget", "mayor", "bridge", "river", "match", "goal",
        "minister", "court", "ruling", "fire", "forest", "union", "pay", "talks", "city", "vote",
        "storm",
    ];
    (0..400)
        .map(|j| words[(i * 7 + j * 13 + j * j) % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn bench(c: &mut Criterion) {
    let docs: Vec<String> = (0..200).map(article).collect();
    let hasher = MinHasher::new(MinHashOptions::default());
    let mut g = c.benchmark_group("minhash");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("signature_400_words", |b| {
        b.iter(|| {
            for d in &docs {
                std::hint::black_box(hasher.signature(d));
            }
        })
    });
    g.bench_function("detector_add", |b| {
        b.iter(|| {
            let mut det = CopyDetector::new(MinHashOptions::default());
            for (i, d) in docs.iter().enumerate() {
                std::hint::black_box(det.add(i as u32, d));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
