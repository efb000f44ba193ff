#include "tools/load/target.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <filesystem>

#include "node/bulk_load.h"
#include "schema/schema_manager.h"
#include "storage/engine.h"

namespace krill::tools::load {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using common::Result;
using common::Status;

int http_request(const std::string& address, uint16_t port, const std::string& method,
                 const std::string& target, std::string& body) {
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    // Numeric addresses only: no resolver (getaddrinfo does not belong in a static binary).
    stream.connect(boost::asio::ip::tcp::endpoint(
        boost::asio::ip::make_address(address == "localhost" ? "127.0.0.1" : address), port));
    http::request<http::string_body> req{method == "POST" ? http::verb::post : http::verb::get, target, 11};
    req.set(http::field::host, address);
    req.set(http::field::user_agent, "krill-load");
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64ull << 20);
    http::read(stream, buffer, parser);
    body = parser.get().body();
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    return static_cast<int>(parser.get().result_int());
  } catch (const std::exception& e) {
    body =
        "cannot reach the node's HTTP API at " + address + ":" + std::to_string(port) + " (" + e.what() + ")";
    return 0;
  }
}

namespace {

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string message_of(const std::string& body) {
  try {
    auto v = json::parse(body);
    if (v.is_object() && v.as_object().contains("message"))
      return json::value_to<std::string>(v.at("message"));
  } catch (const std::exception&) {
  }
  return body;
}

Result<std::shared_ptr<const schema::TableDef>> find(const schema::KeyspaceDef& ks, const std::string& name) {
  auto t = ks.find_table(name);
  if (!t) return Status::error("unknown table " + ks.name + "." + name);
  return t;
}

class HttpTarget final : public Target {
 public:
  HttpTarget(std::string address, uint16_t port) : address_(std::move(address)), port_(port) {}

  Result<std::shared_ptr<const schema::TableDef>> table(const std::string& keyspace,
                                                        const std::string& name) override {
    std::string body;
    int status =
        http_request(address_, port_, "GET", "/krill/load/schema?keyspace=" + url_encode(keyspace), body);
    if (status == 0) return Status::error(body);
    if (status == 404) return Status::error("unknown keyspace " + keyspace);
    if (status != 200)
      return Status::error("reading the schema: HTTP " + std::to_string(status) + ": " + message_of(body));
    try {
      auto o = json::parse(body).as_object();
      staging_ = json::value_to<std::string>(o.at("staging_dir"));
      ks_ = schema::decode_keyspace(json::serialize(o.at("keyspace")));
    } catch (const std::exception& e) {
      return Status::error(std::string("reading the schema: ") + e.what());
    }
    return find(ks_, name);
  }

  std::string staging_root() override { return staging_; }

  Result<int> ingest(const schema::TableDef& t, const std::string& dir) override {
    std::string body;
    std::string target = "/krill/load?keyspace=" + url_encode(t.keyspace) + "&table=" + url_encode(t.name) +
                         "&table_id=" + t.id.to_string() + "&path=" + url_encode(dir);
    int status = http_request(address_, port_, "POST", target, body);
    if (status == 0) return Status::error(body);
    if (status != 200)
      return Status::error("ingest refused (HTTP " + std::to_string(status) + "): " + message_of(body));
    try {
      return json::parse(body).at("files").to_number<int>();
    } catch (const std::exception& e) {
      return Status::error(std::string("ingest: bad reply: ") + e.what());
    }
  }

 private:
  std::string address_;
  uint16_t port_;
  std::string staging_;
  schema::KeyspaceDef ks_;
};

class DirTarget final : public Target {
 public:
  DirTarget(std::string dir, std::unique_ptr<storage::Engine> engine)
      : dir_(std::move(dir)), engine_(std::move(engine)), schema_(*engine_, uuids_) {}

  Status load_schema() { return schema_.load(); }

  Result<std::shared_ptr<const schema::TableDef>> table(const std::string& keyspace,
                                                        const std::string& name) override {
    auto ks = schema_.current()->find_keyspace(keyspace);
    if (!ks || ks->is_system) return Status::error("unknown keyspace " + keyspace);
    return find(*ks, name);
  }

  std::string staging_root() override { return dir_ + "/staging"; }

  Result<int> ingest(const schema::TableDef& t, const std::string& dir) override {
    auto r = node::ingest_staged(*engine_, *schema_.current(), t.keyspace, t.name, t.id.to_string(), dir);
    if (!r.error.empty()) return Status::error("ingest refused: " + r.error);
    auto st = engine_->flush();
    if (!st.is_ok()) return st;
    return r.files;
  }

 private:
  std::string dir_;
  common::UuidGenerator uuids_;
  std::unique_ptr<storage::Engine> engine_;
  schema::SchemaManager schema_;
};

}  // namespace

std::unique_ptr<Target> http_target(const std::string& address, uint16_t port) {
  return std::make_unique<HttpTarget>(address, port);
}

Result<std::unique_ptr<Target>> data_dir_target(const std::string& data_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(data_dir + "/db/CURRENT", ec))
    return Status::error("no Krill database in " + data_dir + " (expected " + data_dir + "/db)");
  storage::EngineOptions eo;
  eo.data_dir = data_dir;
  eo.auto_snapshot = false;
  eo.block_cache_bytes = 8 << 20;
  eo.write_buffer_bytes = 8 << 20;
  auto engine = storage::Engine::open(eo);
  if (!engine.is_ok()) {
    std::string m = engine.status().message();
    if (m.find("lock") != std::string::npos ||
        m.find("Resource temporarily unavailable") != std::string::npos)
      m = "the node using " + data_dir + " is running (stop it, or load through its HTTP API): " + m;
    return Status::error(m);
  }
  auto t = std::make_unique<DirTarget>(data_dir, std::move(engine.value()));
  auto st = t->load_schema();
  if (!st.is_ok()) return st;
  return std::unique_ptr<Target>(std::move(t));
}

}  // namespace krill::tools::load
