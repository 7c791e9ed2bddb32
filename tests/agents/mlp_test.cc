#include "agents/mlp.h"

#include <doctest/doctest.h>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>

#include "core/rng.h"

namespace agora {
namespace {

// loss(y) = cᵀy + ½ |y|², so ∂loss/∂y = c + y.
double loss(const Eigen::VectorXd& y, const Eigen::VectorXd& c) {
  return c.dot(y) + 0.5 * y.squaredNorm();
}

Eigen::VectorXd random_vector(Eigen::Index n, Rng& rng, double scale = 1.0) {
  boost::random::normal_distribution<double> normal(0.0, scale);
  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i) x(i) = normal(rng);
  return x;
}

struct Shape {
  std::vector<int> sizes;
  Activation hidden;
  Activation output;
};

TEST_CASE("mlp: backprop gradients match central finite differences (relative error < 1e-6)") {
  const std::vector<Shape> shapes = {
      {{3, 5, 2}, Activation::kTanh, Activation::kIdentity},
      {{4, 8, 8, 3}, Activation::kRelu, Activation::kIdentity},
      {{2, 6, 1}, Activation::kTanh, Activation::kTanh},
      {{5, 1}, Activation::kIdentity, Activation::kIdentity},
      {{3, 7, 5, 4, 2}, Activation::kTanh, Activation::kRelu},
      {{1, 16, 1}, Activation::kRelu, Activation::kTanh},
  };
  Rng rng(3);
  for (std::size_t s = 0; s < shapes.size(); ++s) {
    CAPTURE(s);
    Mlp net(shapes[s].sizes, shapes[s].hidden, shapes[s].output, 10 + s);
    // Non-zero biases so that every term of the gradient is exercised.
    net.parameters() += random_vector(net.parameter_count(), rng, 0.1);
    const Eigen::VectorXd input = random_vector(net.inputs(), rng);
    const Eigen::VectorXd c = random_vector(net.outputs(), rng);

    net.zero_gradients();
    const Eigen::VectorXd y = net.forward(input);
    const Eigen::VectorXd input_gradient = net.backward(c + y);
    const Eigen::VectorXd analytic = net.gradients();

    const double h = 1e-6;
    Eigen::VectorXd numeric(net.parameter_count());
    for (Eigen::Index i = 0; i < net.parameter_count(); ++i) {
      const double saved = net.parameters()(i);
      net.parameters()(i) = saved + h;
      const double up = loss(net.forward(input), c);
      net.parameters()(i) = saved - h;
      const double down = loss(net.forward(input), c);
      net.parameters()(i) = saved;
      numeric(i) = (up - down) / (2 * h);
    }
    Eigen::VectorXd numeric_input(net.inputs());
    for (Eigen::Index i = 0; i < net.inputs(); ++i) {
      Eigen::VectorXd x = input;
      x(i) += h;
      const double up = loss(net.forward(x), c);
      x(i) -= 2 * h;
      numeric_input(i) = (up - loss(net.forward(x), c)) / (2 * h);
    }
    CHECK(analytic.norm() > 0.0);
    const double relative = (analytic - numeric).norm() / analytic.norm();
    const double relative_input =
        (input_gradient - numeric_input).norm() / std::max(input_gradient.norm(), 1e-12);
    CAPTURE(relative);
    CAPTURE(relative_input);
    CHECK(relative < 1e-6);
    CHECK(relative_input < 1e-6);
    // Componentwise, relative to the gradient's scale.
    CHECK((analytic - numeric).cwiseAbs().maxCoeff() < 1e-6 * analytic.cwiseAbs().maxCoeff());
  }
}

TEST_CASE("mlp: gradients accumulate over samples until zero_gradients") {
  Mlp net({2, 4, 1}, Activation::kTanh, Activation::kIdentity, 1);
  const Eigen::Vector2d a(0.3, -0.7);
  const Eigen::Vector2d b(-1.1, 0.4);
  const Eigen::VectorXd one = Eigen::VectorXd::Ones(1);
  net.forward(a);
  net.backward(one);
  const Eigen::VectorXd ga = net.gradients();
  net.zero_gradients();
  net.forward(b);
  net.backward(2.0 * one);
  const Eigen::VectorXd gb = net.gradients();
  net.zero_gradients();
  net.forward(a);
  net.backward(one);
  net.forward(b);
  net.backward(2.0 * one);
  CHECK((net.gradients() - (ga + gb)).norm() < 1e-14);
  // For a linear output, ∂y/∂b_L = 1: the output bias gradient is the sum of the output gradients.
  CHECK(net.gradients()(net.parameter_count() - 1) == doctest::Approx(3.0));
}

TEST_CASE("mlp: deterministic Glorot/He initialization from the seed, zero biases") {
  Mlp a({3, 10, 10, 2}, Activation::kRelu, Activation::kTanh, 42);
  Mlp b({3, 10, 10, 2}, Activation::kRelu, Activation::kTanh, 42);
  Mlp c({3, 10, 10, 2}, Activation::kRelu, Activation::kTanh, 43);
  CHECK(a.parameters() == b.parameters());
  CHECK(a.parameters() != c.parameters());
  CHECK(a.parameter_count() == 3 * 10 + 10 + 10 * 10 + 10 + 10 * 2 + 2);
  CHECK(a.weights(1).cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 3));   // He, into a ReLU
  CHECK(a.weights(3).cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 12));  // Glorot, into tanh
  CHECK(a.weights(2).cwiseAbs().maxCoeff() > 0.5 * std::sqrt(6.0 / 10));
  for (int l = 1; l <= 3; ++l) CHECK(a.biases(l).norm() == 0.0);
  // Forward equals the formula.
  Mlp tiny({2, 2, 1}, Activation::kTanh, Activation::kIdentity, 5);
  const Eigen::Vector2d x(0.5, -0.25);
  const Eigen::VectorXd hidden = (tiny.weights(1) * x + tiny.biases(1)).array().tanh().matrix();
  CHECK(tiny.forward(x)(0) == doctest::Approx((tiny.weights(2) * hidden + tiny.biases(2))(0)));
}

TEST_CASE("adam: the first step moves every parameter by the learning rate against its gradient") {
  Eigen::VectorXd theta(4);
  theta << 1.0, -2.0, 0.5, 3.0;
  Eigen::VectorXd gradient(4);
  gradient << 0.3, -40.0, 1e-3, 0.0;
  Adam adam(4, 0.01);
  const Eigen::VectorXd before = theta;
  adam.step(theta, gradient);
  // m̂ = g and v̂ = g² after one step, so the step is η g / (|g| + ε).
  for (int i = 0; i < 4; ++i) {
    const double expected = -0.01 * gradient(i) / (std::fabs(gradient(i)) + 1e-8);
    CHECK(theta(i) - before(i) == doctest::Approx(expected).epsilon(1e-9));
  }
  Eigen::VectorXd sgd = before;
  sgd_step(sgd, gradient, 0.1);
  CHECK(sgd(1) == doctest::Approx(-2.0 + 4.0));
}

TEST_CASE("mlp + adam: fits sin(3x) on [-1, 1] by mini-batch regression") {
  for (const Activation hidden : {Activation::kTanh, Activation::kRelu}) {
    CAPTURE(static_cast<int>(hidden));
    Mlp net({1, 32, 32, 1}, hidden, Activation::kIdentity, 9);
    Adam adam(net.parameter_count(), 3e-3);
    Rng rng(4);
    boost::random::uniform_real_distribution<double> uniform(-1.0, 1.0);
    Eigen::VectorXd x(1);
    Eigen::VectorXd g(1);
    const auto mse = [&] {
      double sum = 0.0;
      for (int i = 0; i <= 100; ++i) {
        x(0) = -1.0 + 0.02 * i;
        const double e = net.forward(x)(0) - std::sin(3.0 * x(0));
        sum += e * e / 101;
      }
      return sum;
    };
    const double initial = mse();
    for (int step = 0; step < 8000; ++step) {
      net.zero_gradients();
      for (int i = 0; i < 16; ++i) {
        x(0) = uniform(rng);
        g(0) = (net.forward(x)(0) - std::sin(3.0 * x(0))) / 16;
        net.backward(g);
      }
      adam.step(net.parameters(), net.gradients());
    }
    CAPTURE(initial);
    CHECK(mse() < 2e-3);
    CHECK(mse() < 0.01 * initial);
  }
}

}  // namespace
}  // namespace agora
