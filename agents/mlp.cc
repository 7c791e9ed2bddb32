#include "agents/mlp.h"

#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <utility>

#include "core/error.h"
#include "core/rng.h"

namespace agora {

namespace {

void apply(Activation f, const Eigen::VectorXd& z, Eigen::VectorXd& a) {
  switch (f) {
    case Activation::kIdentity:
      a = z;
      return;
    case Activation::kTanh:
      a.array() = z.array().tanh();
      return;
    case Activation::kRelu:
      a.array() = z.array().max(0.0);
      return;
  }
}

// δ ← δ ⊙ f'(z), with a = f(z).
void multiply_derivative(Activation f, const Eigen::VectorXd& z, const Eigen::VectorXd& a,
                         Eigen::VectorXd& delta) {
  switch (f) {
    case Activation::kIdentity:
      return;
    case Activation::kTanh:
      delta.array() *= 1.0 - a.array().square();
      return;
    case Activation::kRelu:
      delta.array() *= (z.array() > 0.0).cast<double>();
      return;
  }
}

}  // namespace

Activation activation_from_name(const std::string& name) {
  if (name == "identity") return Activation::kIdentity;
  if (name == "tanh") return Activation::kTanh;
  AGORA_CHECK(name == "relu");
  return Activation::kRelu;
}

Mlp::Mlp(std::vector<int> layer_sizes, Activation hidden, Activation output, std::uint64_t seed)
    : sizes_(std::move(layer_sizes)), hidden_(hidden), output_(output) {
  AGORA_CHECK_GE(sizes_.size(), 2u);
  for (const int n : sizes_) AGORA_CHECK_GE(n, 1);
  weight_offsets_.assign(sizes_.size(), 0);
  bias_offsets_.assign(sizes_.size(), 0);
  Eigen::Index offset = 0;
  for (int l = 1; l <= layers(); ++l) {
    weight_offsets_[l] = offset;
    offset += static_cast<Eigen::Index>(sizes_[l]) * sizes_[l - 1];
    bias_offsets_[l] = offset;
    offset += sizes_[l];
  }
  parameters_ = Eigen::VectorXd::Zero(offset);
  gradients_ = Eigen::VectorXd::Zero(offset);
  Rng rng = make_rng(seed, "mlp");
  for (int l = 1; l <= layers(); ++l) {
    const double fan_in = sizes_[l - 1];
    const double fan_out = sizes_[l];
    const double bound = activation(l) == Activation::kRelu ? std::sqrt(6.0 / fan_in)
                                                            : std::sqrt(6.0 / (fan_in + fan_out));
    boost::random::uniform_real_distribution<double> uniform(-bound, bound);
    auto w = weights(l);
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
      for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = uniform(rng);
    }
  }
  for (const int n : sizes_) {
    pre_.push_back(Eigen::VectorXd::Zero(n));
    post_.push_back(Eigen::VectorXd::Zero(n));
    delta_.push_back(Eigen::VectorXd::Zero(n));
  }
  input_gradient_ = Eigen::VectorXd::Zero(sizes_.front());
}

Eigen::Map<const Eigen::MatrixXd> Mlp::weights(int layer) const {
  return {parameters_.data() + weight_offsets_[layer], sizes_[layer], sizes_[layer - 1]};
}
Eigen::Map<const Eigen::VectorXd> Mlp::biases(int layer) const {
  return {parameters_.data() + bias_offsets_[layer], sizes_[layer]};
}
Eigen::Map<Eigen::MatrixXd> Mlp::weights(int layer) {
  return {parameters_.data() + weight_offsets_[layer], sizes_[layer], sizes_[layer - 1]};
}
Eigen::Map<Eigen::VectorXd> Mlp::biases(int layer) {
  return {parameters_.data() + bias_offsets_[layer], sizes_[layer]};
}

const Eigen::VectorXd& Mlp::forward(const Eigen::Ref<const Eigen::VectorXd>& input) {
  AGORA_CHECK_EQ(input.size(), inputs());
  post_[0] = input;
  for (int l = 1; l <= layers(); ++l) {
    pre_[l].noalias() = std::as_const(*this).weights(l) * post_[l - 1];
    pre_[l] += std::as_const(*this).biases(l);
    apply(activation(l), pre_[l], post_[l]);
  }
  return post_.back();
}

const Eigen::VectorXd& Mlp::backward(const Eigen::Ref<const Eigen::VectorXd>& output_gradient) {
  AGORA_CHECK_EQ(output_gradient.size(), outputs());
  delta_.back() = output_gradient;
  for (int l = layers(); l >= 1; --l) {
    multiply_derivative(activation(l), pre_[l], post_[l], delta_[l]);
    Eigen::Map<Eigen::MatrixXd> weight_gradient(gradients_.data() + weight_offsets_[l], sizes_[l],
                                                sizes_[l - 1]);
    weight_gradient.noalias() += delta_[l] * post_[l - 1].transpose();
    Eigen::Map<Eigen::VectorXd>(gradients_.data() + bias_offsets_[l], sizes_[l]) += delta_[l];
    Eigen::VectorXd& below = l > 1 ? delta_[l - 1] : input_gradient_;
    below.noalias() = std::as_const(*this).weights(l).transpose() * delta_[l];
  }
  return input_gradient_;
}

Adam::Adam(Eigen::Index size, double learning_rate, double beta1, double beta2, double epsilon)
    : learning_rate_(learning_rate),
      beta1_(beta1),
      beta2_(beta2),
      epsilon_(epsilon),
      m_(Eigen::VectorXd::Zero(size)),
      v_(Eigen::VectorXd::Zero(size)) {
  AGORA_CHECK(learning_rate > 0.0);
  AGORA_CHECK(beta1 >= 0.0 && beta1 < 1.0);
  AGORA_CHECK(beta2 >= 0.0 && beta2 < 1.0);
}

void Adam::step(Eigen::Ref<Eigen::VectorXd> parameters,
                const Eigen::Ref<const Eigen::VectorXd>& gradients) {
  AGORA_CHECK_EQ(parameters.size(), m_.size());
  AGORA_CHECK_EQ(gradients.size(), m_.size());
  ++steps_;
  beta1_power_ *= beta1_;
  beta2_power_ *= beta2_;
  m_ = beta1_ * m_ + (1.0 - beta1_) * gradients;
  v_.array() = beta2_ * v_.array() + (1.0 - beta2_) * gradients.array().square();
  const double m_correction = 1.0 / (1.0 - beta1_power_);
  const double v_correction = 1.0 / (1.0 - beta2_power_);
  parameters.array() -= learning_rate_ * (m_.array() * m_correction) /
                        ((v_.array() * v_correction).sqrt() + epsilon_);
}

}  // namespace agora
