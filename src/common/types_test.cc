#include "common/types.h"

#include <gtest/gtest.h>

#include <map>

#include "common/error.h"

namespace krill::common {
namespace {

DataType N(TypeKind k) { return DataType::native(k); }

// Runs `f` and returns the CqlError code it throws; fails the test when it does not throw.
template <typename F>
ErrorCode error_code_of(F f, std::string* message = nullptr) {
  try {
    f();
  } catch (const CqlError& e) {
    if (message) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "no CqlError thrown";
  return ErrorCode::kServerError;
}

DataType address_udt() {
  return DataType::udt("ks", "address", {"street", "zip"}, {N(TypeKind::kText), N(TypeKind::kInt)});
}

DataType::UdtLookup lookup() {
  return [](const std::string& name) -> std::optional<DataType> {
    if (name == "address") return address_udt();
    if (name == "Mixed Case") return DataType::udt("ks", "Mixed Case", {"a"}, {N(TypeKind::kInt)});
    if (name == "tags") return DataType::udt("ks", "tags", {"t"}, {DataType::list(N(TypeKind::kText))});
    return std::nullopt;
  };
}

TEST(TypesTest, NativeNamesRoundTrip) {
  const std::map<std::string, TypeKind> names = {
      {"ascii", TypeKind::kAscii},       {"bigint", TypeKind::kBigint},
      {"blob", TypeKind::kBlob},         {"boolean", TypeKind::kBoolean},
      {"counter", TypeKind::kCounter},   {"date", TypeKind::kDate},
      {"decimal", TypeKind::kDecimal},   {"double", TypeKind::kDouble},
      {"duration", TypeKind::kDuration}, {"float", TypeKind::kFloat},
      {"inet", TypeKind::kInet},         {"int", TypeKind::kInt},
      {"smallint", TypeKind::kSmallint}, {"text", TypeKind::kText},
      {"time", TypeKind::kTime},         {"timestamp", TypeKind::kTimestamp},
      {"timeuuid", TypeKind::kTimeuuid}, {"tinyint", TypeKind::kTinyint},
      {"uuid", TypeKind::kUuid},         {"varint", TypeKind::kVarint},
  };
  for (const auto& [name, kind] : names) {
    DataType t = DataType::parse(name);
    EXPECT_EQ(t.kind(), kind) << name;
    EXPECT_EQ(t.cql_name(), name);
    EXPECT_EQ(N(kind).cql_name(), name);
    EXPECT_EQ(DataType::native_kind_from_name(name), kind);
    EXPECT_FALSE(t.is_collection());
    EXPECT_FALSE(t.is_multi_cell());
    EXPECT_FALSE(t.is_frozen());
  }
}

TEST(TypesTest, NativeNamesAreCaseInsensitiveAndVarcharIsText) {
  EXPECT_EQ(DataType::parse("VARCHAR"), N(TypeKind::kText));
  EXPECT_EQ(DataType::parse("varchar").cql_name(), "text");
  EXPECT_EQ(DataType::parse("  BigInt "), N(TypeKind::kBigint));
  EXPECT_EQ(DataType::native_kind_from_name("TimeUUID"), TypeKind::kTimeuuid);
  EXPECT_EQ(DataType::native_kind_from_name("list"), std::nullopt);
  EXPECT_EQ(DataType::native_kind_from_name("address"), std::nullopt);
}

TEST(TypesTest, CollectionNames) {
  EXPECT_EQ(DataType::list(N(TypeKind::kInt)).cql_name(), "list<int>");
  EXPECT_EQ(DataType::set(N(TypeKind::kText)).cql_name(), "set<text>");
  EXPECT_EQ(DataType::map(N(TypeKind::kText), N(TypeKind::kInt)).cql_name(), "map<text, int>");
  EXPECT_EQ(DataType::list(N(TypeKind::kInt), true).cql_name(), "frozen<list<int>>");
  EXPECT_EQ(DataType::tuple({N(TypeKind::kInt), N(TypeKind::kText)}).cql_name(), "tuple<int, text>");
  EXPECT_EQ(DataType::custom("org.apache.cassandra.db.marshal.LexicalUUIDType").cql_name(),
            "'org.apache.cassandra.db.marshal.LexicalUUIDType'");
}

TEST(TypesTest, ParseCollectionsWithAnySpacing) {
  DataType m = DataType::parse("MAP < text ,int >");
  EXPECT_EQ(m, DataType::map(N(TypeKind::kText), N(TypeKind::kInt)));
  EXPECT_EQ(m.cql_name(), "map<text, int>");
  EXPECT_TRUE(m.is_collection());
  EXPECT_TRUE(m.is_multi_cell());
  ASSERT_EQ(m.params().size(), 2u);
  EXPECT_EQ(m.params()[1], N(TypeKind::kInt));

  DataType f = DataType::parse("frozen<set<varchar>>");
  EXPECT_TRUE(f.is_frozen());
  EXPECT_FALSE(f.is_multi_cell());
  EXPECT_EQ(f.cql_name(), "frozen<set<text>>");
  EXPECT_NE(f, DataType::parse("set<text>"));
}

TEST(TypesTest, NestedCollectionsInsideFrozenAreFrozen) {
  DataType t = DataType::parse("frozen<list<list<int>>>");
  ASSERT_EQ(t.kind(), TypeKind::kList);
  EXPECT_TRUE(t.is_frozen());
  EXPECT_TRUE(t.params()[0].is_frozen());
  EXPECT_EQ(t.cql_name(), "frozen<list<frozen<list<int>>>>");
  EXPECT_EQ(DataType::parse(t.cql_name()), t);
  EXPECT_EQ(t, DataType::list(DataType::list(N(TypeKind::kInt)), true));
  // An explicitly frozen inner collection inside a non-frozen one is fine.
  DataType u = DataType::parse("map<int, frozen<map<text, frozen<set<int>>>>>");
  EXPECT_TRUE(u.is_multi_cell());
  EXPECT_TRUE(u.params()[1].is_frozen());
  EXPECT_EQ(u.cql_name(), "map<int, frozen<map<text, frozen<set<int>>>>>");
}

TEST(TypesTest, FrozenIsDeep) {
  DataType inner = DataType::map(N(TypeKind::kInt), DataType::list(N(TypeKind::kInt), true));
  DataType fz = inner.frozen();
  EXPECT_TRUE(fz.is_frozen());
  EXPECT_FALSE(inner.is_frozen());  // the original is unchanged
  EXPECT_EQ(N(TypeKind::kInt).frozen(), N(TypeKind::kInt));
  DataType udt = address_udt();
  EXPECT_TRUE(udt.is_multi_cell());
  EXPECT_FALSE(udt.frozen().is_multi_cell());
}

TEST(TypesTest, TuplesAreFrozenAndFreezeTheirElements) {
  DataType t = DataType::parse("tuple<int, list<text>, tuple<boolean>>");
  EXPECT_EQ(t.kind(), TypeKind::kTuple);
  EXPECT_TRUE(t.is_frozen());
  EXPECT_FALSE(t.is_multi_cell());
  ASSERT_EQ(t.params().size(), 3u);
  EXPECT_TRUE(t.params()[1].is_frozen());
  EXPECT_EQ(t.cql_name(), "tuple<int, frozen<list<text>>, tuple<boolean>>");
  EXPECT_EQ(DataType::parse("frozen<tuple<int, text>>").cql_name(), "tuple<int, text>");
  EXPECT_EQ(DataType::parse(t.cql_name()), t);
}

TEST(TypesTest, UdtsResolveThroughLookup) {
  auto lk = lookup();
  DataType a = DataType::parse("address", lk);
  EXPECT_EQ(a.kind(), TypeKind::kUdt);
  EXPECT_EQ(a.udt_keyspace(), "ks");
  EXPECT_EQ(a.udt_name(), "address");
  EXPECT_EQ(a.field_names(), (std::vector<std::string>{"street", "zip"}));
  EXPECT_TRUE(a.is_multi_cell());
  EXPECT_EQ(a.cql_name(), "address");

  DataType fa = DataType::parse("FROZEN<Address>", lk);  // unquoted names fold to lower case
  EXPECT_EQ(fa.cql_name(), "frozen<address>");
  EXPECT_FALSE(fa.is_multi_cell());
  EXPECT_EQ(fa, a.frozen());

  DataType q = DataType::parse("frozen<\"Mixed Case\">", lk);
  EXPECT_EQ(q.cql_name(), "frozen<\"Mixed Case\">");
  EXPECT_EQ(DataType::parse(q.cql_name(), lk), q);

  DataType l = DataType::parse("list<frozen<address>>", lk);
  EXPECT_EQ(l.cql_name(), "list<frozen<address>>");
  // Frozen UDTs freeze their collection fields.
  EXPECT_TRUE(DataType::parse("frozen<tags>", lk).params()[0].is_frozen());
  EXPECT_FALSE(DataType::parse("tags", lk).params()[0].is_frozen());
}

TEST(TypesTest, UdtEqualityComparesEverything) {
  DataType a = address_udt();
  EXPECT_EQ(a, address_udt());
  EXPECT_NE(a, DataType::udt("other", "address", {"street", "zip"}, {N(TypeKind::kText), N(TypeKind::kInt)}));
  EXPECT_NE(a, DataType::udt("ks", "address", {"street", "zip2"}, {N(TypeKind::kText), N(TypeKind::kInt)}));
  EXPECT_NE(a, DataType::udt("ks", "address", {"street", "zip"}, {N(TypeKind::kText), N(TypeKind::kBigint)}));
  EXPECT_NE(a, a.frozen());
}

TEST(TypesTest, CustomTypes) {
  DataType c = DataType::parse("'org.apache.cassandra.db.marshal.BytesType'");
  EXPECT_EQ(c.kind(), TypeKind::kCustom);
  EXPECT_EQ(c.custom_class(), "org.apache.cassandra.db.marshal.BytesType");
  EXPECT_EQ(c.cql_name(), "'org.apache.cassandra.db.marshal.BytesType'");
  EXPECT_EQ(DataType::parse("'it''s'").custom_class(), "it's");
  EXPECT_EQ(DataType::parse("'it''s'").cql_name(), "'it''s'");
}

TEST(TypesTest, DefaultIsInvalid) {
  DataType t;
  EXPECT_FALSE(t.valid());
  EXPECT_FALSE(t.is_counter());
  EXPECT_FALSE(t.is_multi_cell());
  EXPECT_EQ(t, DataType());
  EXPECT_NE(t, N(TypeKind::kInt));
  EXPECT_TRUE(N(TypeKind::kCounter).is_counter());
}

TEST(TypesTest, MalformedTextIsASyntaxError) {
  for (const char* bad : {"", "list<int", "list<>", "map<int>", "map<int, int", "list<int>>", "int int",
                          "tuple<>", "tuple<int,>", "'unterminated", "\"unterminated", "list(int)", "int;",
                          "frozen<", "<int>", "map<int,,int>"}) {
    std::string msg;
    EXPECT_EQ(error_code_of([&] { DataType::parse(bad, lookup()); }, &msg), ErrorCode::kSyntaxError) << bad;
  }
}

TEST(TypesTest, UnknownTypesAreInvalid) {
  std::string msg;
  EXPECT_EQ(error_code_of([] { DataType::parse("nosuchtype", lookup()); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Unknown type nosuchtype");
  EXPECT_EQ(error_code_of([] { DataType::parse("address"); }), ErrorCode::kInvalid);  // no lookup given
  EXPECT_EQ(error_code_of([] { DataType::parse("list<\"Address\">", lookup()); }), ErrorCode::kInvalid);
}

TEST(TypesTest, NonFrozenCollectionsInsideCollectionsAreInvalid) {
  std::string msg;
  EXPECT_EQ(error_code_of([] { DataType::parse("list<list<int>>"); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Non-frozen collections are not allowed inside collections: list<list<int>>");
  EXPECT_EQ(error_code_of([] { DataType::parse("map<text, set<int>>"); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Non-frozen collections are not allowed inside collections: map<text, set<int>>");
  EXPECT_EQ(error_code_of([] { DataType::parse("set<map<int, int>>"); }), ErrorCode::kInvalid);
  EXPECT_EQ(error_code_of([] { DataType::list(DataType::set(N(TypeKind::kInt))); }), ErrorCode::kInvalid);
  EXPECT_EQ(error_code_of([] { DataType::parse("list<address>", lookup()); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Non-frozen UDTs are not allowed inside collections: list<address>");
}

TEST(TypesTest, CountersAndDurationsWhereNotAllowed) {
  std::string msg;
  EXPECT_EQ(error_code_of([] { DataType::parse("list<counter>"); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Counters are not allowed inside collections: list<counter>");
  EXPECT_EQ(error_code_of([] { DataType::parse("frozen<map<int, counter>>"); }), ErrorCode::kInvalid);
  EXPECT_EQ(error_code_of([] { DataType::parse("tuple<counter>"); }), ErrorCode::kInvalid);
  EXPECT_EQ(error_code_of([] { DataType::parse("set<duration>"); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Durations are not allowed inside sets: set<duration>");
  EXPECT_EQ(error_code_of([] { DataType::parse("map<duration, int>"); }, &msg), ErrorCode::kInvalid);
  EXPECT_EQ(msg, "Durations are not allowed as map keys: map<duration, int>");
  EXPECT_EQ(DataType::parse("list<duration>").cql_name(), "list<duration>");
  EXPECT_EQ(DataType::parse("map<int, duration>").cql_name(), "map<int, duration>");
}

TEST(TypesTest, FrozenOnlyWrapsCollectionsTuplesAndUdts) {
  std::string msg;
  EXPECT_EQ(error_code_of([] { DataType::parse("frozen<int>"); }, &msg), ErrorCode::kInvalid);
  EXPECT_NE(msg.find("frozen<>"), std::string::npos);
  EXPECT_EQ(error_code_of([] { DataType::parse("frozen<'org.Foo'>"); }), ErrorCode::kInvalid);
}

}  // namespace
}  // namespace krill::common
