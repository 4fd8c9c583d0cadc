/* attn-shim-torchbin.h: a pytorch_model.bin read as data. torch.save's zip
 * format (PyTorch 1.6 and later) is a zip archive holding ARCHIVE/data.pkl,
 * a pickle that names the tensors, and ARCHIVE/data/KEY, each storage's raw
 * bytes. The pickle is checked first (attn-shim-pickle.h: tensors and their
 * containers only), then read by libtorch's C++ unpickler, which runs no
 * Python; the storages stay in the file's mapping. The old (legacy) format
 * is refused with the way to convert it. Internal to the shim. */
#pragma once

#include <torch/script.h>

#include <map>
#include <string>

namespace attn_bin
{

/* Fills out with the file's tensors under their state-dict names (nested
 * dicts joined with "."). Returns "" or a translated reason that does not
 * repeat the path; nothing in out is usable then. */
std::string open (const std::string &path, std::map<std::string, at::Tensor> &out);

} /* namespace attn_bin */
