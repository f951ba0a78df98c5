//! Decoding status bodies from JSON bytes into the generated status unions, one of every shape
//! of every union, as the sandbox sends them.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use idkollen_api::types;
use idkollen_bench::bodies::{self, Shape, StatusBody};
use idkollen_bench::server::SandboxServer;
use idkollen_sandbox::Timings;
use serde::de::DeserializeOwned;

/// The shape a decoded union value has, to prove each body lands in the variant it is named for.
macro_rules! shape_of {
    ($union:ident, $pending:ident, $completed:ident) => {
        |value: &types::$union| match value {
            types::$union::$pending(_) => Shape::Pending,
            types::$union::$completed(_) => Shape::Completed,
            types::$union::SessionFailed(_) => Shape::Failed,
            types::$union::OtherStatus(_) => Shape::Unknown,
        }
    };
}

fn bench_union<U: DeserializeOwned>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    union: &str,
    bodies: &[StatusBody],
    shape_of: fn(&U) -> Shape,
) {
    for body in bodies.iter().filter(|b| b.union == union) {
        let decoded: U = serde_json::from_slice(&body.json).expect("the body decodes");
        assert_eq!(shape_of(&decoded), body.shape, "{union} {}", body.shape);
        group.bench_function(format!("{union}/{}", body.shape), |b| {
            b.iter(|| serde_json::from_slice::<U>(black_box(&body.json)).expect("decodes"))
        });
    }
}

fn decode(c: &mut Criterion) {
    let bodies = capture();
    let mut group = c.benchmark_group("decode");
    bench_union(
        &mut group,
        "BankIdSeStatus",
        &bodies,
        shape_of!(BankIdSeStatus, BankIdSePending, BankIdSeCompleted),
    );
    bench_union(
        &mut group,
        "FrejaStatus",
        &bodies,
        shape_of!(FrejaStatus, FrejaPending, FrejaCompleted),
    );
    bench_union(
        &mut group,
        "BankIdNoStatus",
        &bodies,
        shape_of!(BankIdNoStatus, BankIdNoPending, BankIdNoCompleted),
    );
    bench_union(
        &mut group,
        "VippsStatus",
        &bodies,
        shape_of!(VippsStatus, VippsPending, VippsCompleted),
    );
    bench_union(
        &mut group,
        "MitIdStatus",
        &bodies,
        shape_of!(MitIdStatus, MitIdPending, MitIdCompleted),
    );
    bench_union(
        &mut group,
        "FtnStatus",
        &bodies,
        shape_of!(FtnStatus, FtnPending, FtnCompleted),
    );
    bench_union(
        &mut group,
        "AgeVerificationStatus",
        &bodies,
        shape_of!(
            AgeVerificationStatus,
            AgeVerificationPending,
            AgeVerificationCompleted
        ),
    );
    group.finish();
}

/// The bodies, read from a sandbox that does not limit status reads.
fn capture() -> Vec<StatusBody> {
    let server = SandboxServer::start(
        Timings {
            status_read_interval: Duration::ZERO,
            ..Timings::fast()
        },
        1,
    )
    .expect("the sandbox starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let bodies = runtime
        .block_on(bodies::capture(server.sandbox()))
        .expect("the sandbox answers every shape");
    assert_eq!(bodies.len(), bodies::UNIONS.len() * Shape::ALL.len());
    bodies
}

criterion_group!(benches, decode);
criterion_main!(benches);
