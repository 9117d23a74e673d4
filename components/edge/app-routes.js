// CloudFront Function (runtime cloudfront-js-2.0), viewer request, on the default (front-end) behaviour
// only. The React application routes in the browser, so a deep link such as /patients/42 names no
// object in the assets bucket: serve /index.html for any path whose last segment has no file
// extension, and let the application show the route. Paths with an extension (hashed assets,
// favicon.ico, robots.txt) pass through, so a missing asset stays an error instead of HTML.
// /api/* has its own behaviour and never reaches this function; the check below keeps it that way
// should the function ever be attached more widely.
// Plain ES5.1 on purpose: the runtime supports ES 5.1 and only some later features, no modules.
function handler(event) {
    var request = event.request;
    var uri = request.uri;
    if (uri === "/api" || uri.indexOf("/api/") === 0) {
        return request;
    }
    var lastSegment = uri.substring(uri.lastIndexOf("/") + 1);
    if (lastSegment.indexOf(".") === -1) {
        request.uri = "/index.html";
    }
    return request;
}
