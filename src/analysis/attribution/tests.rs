//! The methods' own rules; their numbers against Captum are in tests/engine/attribution.rs.

use super::*;
use crate::engine::zoo;

fn digit_input(model: &Model) -> Array3<f32> {
    let (c, h, w) = (model.input.channels, model.input.height, model.input.width);
    // A bright vertical stroke on black, normalised.
    let mut x = Array3::<f32>::zeros((c, h, w));
    for y in 5..23 {
        for dx in 12..16 {
            x[[0, y, dx]] = 1.0;
        }
    }
    model.input.normalize(&mut x);
    x
}

#[test]
fn occlusion_windows_follow_captum() {
    assert_eq!(
        occlusion::starts_for_tests(28, 4, 4),
        vec![0, 4, 8, 12, 16, 20, 24]
    );
    assert_eq!(occlusion::starts_for_tests(10, 4, 3), vec![0, 3, 6]);
    // 11 - 4 = 7 is not a multiple of 3: a fourth window starts at 9 and is cut short.
    assert_eq!(occlusion::starts_for_tests(11, 4, 3), vec![0, 3, 6, 9]);
}

#[test]
fn gradient_times_input_and_noiseless_smoothgrad_agree_with_the_gradient() {
    let model = zoo::digits(1, crate::engine::PoolMode::Max);
    let x = digit_input(&model);
    let trace = Trace::new(&model, &x, &RunOptions::default()).expect("runs");
    let g = gradient(&model, &trace, 3);
    assert!(g.iter().any(|v| *v != 0.0));
    assert_eq!(grad_x_input(&model, &trace, 3), &g * &x);
    let calm = SmoothGrad {
        samples: 3,
        sigma: 0.0,
        seed: 1,
    };
    let smooth = smoothgrad(&model, &x, &RunOptions::default(), 3, &calm).expect("runs");
    assert!((smooth - &g).iter().all(|d| d.abs() < 1e-6));
}

#[test]
fn explain_defaults_to_the_predicted_class_and_the_last_maps() {
    let model = zoo::digits(1, crate::engine::PoolMode::Max);
    let x = digit_input(&model);
    let predicted = crate::engine::argmax(
        &model
            .forward(&x, &RunOptions::default())
            .expect("runs")
            .values(),
    );
    let cam = explain(&model, &x, &Request::new(Method::GradCam)).expect("runs");
    assert_eq!(cam.class, predicted);
    let stage = default_cam_stage(&model).expect("has maps");
    assert_eq!(cam.stage, stage);
    assert_eq!(stage_name(&model, stage), "pool2");
    let Map::Plane(p) = &cam.map else {
        panic!("Grad-CAM is a plane")
    };
    assert_eq!(p.dim(), (7, 7));
    assert!(p.iter().all(|v| *v >= 0.0));
    let bad = Request {
        class: Some(10),
        ..Request::new(Method::Gradient)
    };
    let err = explain(&model, &x, &bad)
        .expect_err("no class 10")
        .to_string();
    assert!(err.contains("0 to 9"), "{err}");
}

#[test]
fn occlusion_of_a_patch_that_changes_nothing_is_zero() {
    let model = zoo::digits(1, crate::engine::PoolMode::Max);
    // An input that already is grey everywhere: no patch changes it.
    let grey = grey_baseline(&model)[0];
    let x = Array3::from_elem((1, 28, 28), grey);
    let map = occlusion(
        &model,
        &x,
        &RunOptions::default(),
        0,
        &Occlusion::default(),
        &[grey],
    )
    .expect("runs");
    assert!(map.iter().all(|v| *v == 0.0));
    let bad = Occlusion {
        patch: 4,
        stride: 5,
    };
    assert!(occlusion(&model, &x, &RunOptions::default(), 0, &bad, &[grey]).is_err());
}
