// Helpers shared by the config tests: temporary files and short ways to load YAML text.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "residns/config/loader.hpp"

namespace residns::config::testing {

// A fresh directory under the test temp dir, removed with everything in it at destruction.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = ::testing::TempDir() + "residns-config-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    // Writes `text` to a file named `name` in the directory and returns its path.
    std::string write(const std::string& name, std::string_view text) const {
        const auto file = path_ / name;
        std::ofstream out(file, std::ios::binary);
        out << text;
        return file.string();
    }

    std::string path(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Loads YAML text as "test.yaml". Unless the text sets `upstreams` or `resolv_conf`, upstreams
// come from the host's /etc/resolv.conf: tests that compare them set one of the two.
inline load_result load(std::string_view yaml) {
    return load_string(yaml, "test.yaml");
}

// The configuration with the given upstream key lines appended, so that the host's resolv.conf
// never influences a test: `upstreams: []` unless the YAML names its own.
inline std::string with_no_upstreams(std::string_view yaml) {
    std::string text(yaml);
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "upstreams: []\n";
    return text;
}

}  // namespace residns::config::testing
