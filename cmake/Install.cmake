# `cmake --install` and `cpack -G DEB`: the daemon, residns-ctl, the default configuration, the
# systemd units (the service, and the socket for socket activation, not enabled) and the man
# pages, in the usual places for the install prefix.
#
#   prefix /usr        /usr/sbin/residns, /usr/bin/residns-ctl, /etc/residns/residns.yaml,
#                      /usr/lib/systemd/system/residns.{service,socket},
#                      /usr/share/man/man{5,8}/...
#   prefix /usr/local  the same under /usr/local, the configuration in /usr/local/etc/residns
#
# The .deb (packaging/test-deb.sh builds and checks one) is made from a build configured with
# -DCMAKE_INSTALL_PREFIX=/usr, so that the configuration lands in /etc.
include(GNUInstallDirs)

set(RESIDNS_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit is installed (relative to the prefix, or absolute)")
set(RESIDNS_CONF_DIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/residns")

if(TARGET residns)
  install(TARGETS residns RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
endif()
if(TARGET residns-ctl)
  install(TARGETS residns-ctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# An absolute destination (GNUInstallDirs maps prefix /usr to /etc); DESTDIR still applies.
install(FILES conf/residns.yaml DESTINATION ${RESIDNS_CONF_DIR})

configure_file(packaging/residns.service.in ${PROJECT_BINARY_DIR}/packaging/residns.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/residns.service packaging/residns.socket
        DESTINATION ${RESIDNS_SYSTEMD_UNIT_DIR})

install(FILES packaging/residns.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES packaging/residns.yaml.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# cpack -G DEB
set(CPACK_PACKAGE_NAME residns)
set(CPACK_PACKAGE_VENDOR "residns")
set(CPACK_PACKAGE_CONTACT "residns maintainers <residns@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "caching DNS resolver and local zone server")
set(CPACK_PACKAGE_DESCRIPTION
    "residns is a resident caching DNS resolver daemon: UDP and TCP listeners, forwarding with
failover, a shared TTL-aware cache with serve-stale and prefetch, and local data (BIND zone
files, hosts files, records from its configuration) served authoritatively.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Install with DESTDIR so that absolute destinations (/etc/residns) land in the package, not on
# the build machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Added to the shared-library dependencies: the postinst creates the system user with adduser.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bind9-dnsutils | knot-dnsutils")
set(CPACK_DEBIAN_PACKAGE_PROVIDES "dns-server")
configure_file(packaging/debian/conffiles.in ${PROJECT_BINARY_DIR}/packaging/debian/conffiles @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
