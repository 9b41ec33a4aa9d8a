// Asio's and Beast's compiled parts, once for the whole build. CMakeLists.txt sets
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION for every target;
// without them each of the ~90 translation units that include Asio (the server's net/, the
// client library's headers and everything built on them) compiled these again, about a
// quarter of a cold build. Every target that includes Asio or Beast links parley_asio.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
