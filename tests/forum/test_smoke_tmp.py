from tests.forum.conftest import *
def test_smoke(app, client, thread, sign_in):
    r = post(client, thread, "Xin chào\nhttps://example.test <b>x</b>", lang="vi")
    assert r.status_code == 303, r.get_data(as_text=True)
    page = client.get(r.location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    print(html[html.index('<main'):])
    print(client.get("/en/conversations/").get_data(as_text=True)[-1500:])
    sign_in("facilitator")
    for u in ["/staff/forum/", "/staff/forum/threads/new", "/staff/forum/threads/1", "/staff/forum/moderation", "/staff/forum/posts/1", "/staff/forum/support"]:
        rr = client.get(u); assert rr.status_code == 200, (u, rr.get_data(as_text=True))
