/* attn-shim-pickle.h: the pickle of a pytorch_model.bin (torch.save's
 * data.pkl) checked opcode by opcode before libtorch's unpickler sees it.
 * No libtorch here.
 *
 * A pickle is a program: its GLOBAL opcode names any Python callable and
 * REDUCE calls it. libtorch's C++ unpickler runs no Python, but it still
 * gives meaning to some globals; this check lets through only what a state
 * dict needs (tensors, their storages and dicts) and refuses anything else
 * before a single tensor is built. It also rewrites what libtorch 1.13's
 * unpickler reads differently from Python: collections.OrderedDict() becomes
 * an empty dict (libtorch 1.13 makes it None), and BUILD, which in an
 * allowed pickle only sets an OrderedDict's _metadata, becomes a SETITEMS
 * of that state under BUILD_STATE_KEY (libtorch 1.13 has no POP). */
#pragma once

#include <cstddef>
#include <string>

namespace attn_pickle
{

/* The key under which an OrderedDict's BUILD state is kept in the dict
 * itself; readers skip it. */
#define BUILD_STATE_KEY                                                                            \
  "\x01"                                                                                           \
  "attention-build-state"

/* Checks the protocol-2 pickle [data, data + size) and writes the
 * rewritten program to out. Returns "" or a translated reason naming what
 * was refused. */
std::string sanitize (const unsigned char *data, size_t size, std::string &out);

} /* namespace attn_pickle */
