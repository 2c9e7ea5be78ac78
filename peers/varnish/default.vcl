# Varnish in front of the recording origin. The request side is Varnish's built-in VCL
# untouched (which methods it passes or pipes is part of what is graded); only caching is
# off, since a cached reply would keep later cases' requests from reaching the origin.
# ci/lib/peers.py fills in @ORIGIN_PORT@.
vcl 4.1;

backend origin {
  .host = "127.0.0.1";
  .port = "@ORIGIN_PORT@";
}

sub vcl_backend_response {
  set beresp.uncacheable = true;
  set beresp.ttl = 0s;
  return (deliver);
}
