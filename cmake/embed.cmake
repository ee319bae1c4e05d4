# Writes OUT, a C++ source defining `const std::string_view moat::embedded::NAME` holding the bytes of
# IN, so bundled rule files stay data in the tree and need no install step.
# cmake -DIN=file -DOUT=file.cpp -DNAME=symbol -P embed.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")moat_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )moat_embed\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/embed.cmake.\n#include <string_view>\nnamespace moat::embedded {\nextern const std::string_view ${NAME};\nconst std::string_view ${NAME} = R\"moat_embed(${content})moat_embed\";\n}  // namespace moat::embedded\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
